import JSONRPC
import Domain

/// Tenant-scoped lookups: absent and other tenants' things are both `not_found`.
extension PlatformState {
    func classification(_ id: String, in tenant: String) throws(ServerError) -> Classification {
        guard let c = classification(id), c.tenantId == tenant else {
            throw .domain(.notFound(entity: "classification", id: id))
        }
        return c
    }
    func provider(_ id: String, in tenant: String) throws(ServerError) -> Provider {
        guard let p = provider(id), p.tenantId == tenant else { throw .domain(.notFound(entity: "provider", id: id)) }
        return p
    }
    /// A model of the tenant; soft-deleted models are `not_found` unless `includeDeleted`.
    func model(_ id: String, in tenant: String, includeDeleted: Bool = false) throws(ServerError) -> Model {
        guard let m = model(id), m.tenantId == tenant, includeDeleted || m.deletedAt == nil else {
            throw .domain(.notFound(entity: "model", id: id))
        }
        return m
    }
    func space(_ id: String, in tenant: String) throws(ServerError) -> Space {
        guard let s = space(id), s.tenantId == tenant else { throw .domain(.notFound(entity: "space", id: id)) }
        return s
    }
    func config(_ id: String, kind: ConfigKind, in tenant: String) throws(ServerError) -> ConfigItem {
        guard let c = configuration(id), c.kind == kind, c.tenantId == tenant else {
            throw .domain(.notFound(entity: kind.rawValue, id: id))
        }
        return c
    }
    func collection(_ id: String, in tenant: String) throws(ServerError) -> KnowledgeCollection {
        guard let c = collection(id), c.tenantId == tenant else {
            throw .domain(.notFound(entity: "collection", id: id))
        }
        return c
    }
    func template(_ id: String, in tenant: String, includeDeleted: Bool = false) throws(ServerError) -> Template {
        guard let t = template(id), t.tenantId == tenant, includeDeleted || t.deletedAt == nil else {
            throw .domain(.notFound(entity: "template", id: id))
        }
        return t
    }
}
