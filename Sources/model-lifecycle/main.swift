// The executable only hands the command line to the launcher.
import Launcher
#if canImport(Glibc)
import Glibc
#endif

exit(Launcher.main(CommandLine.arguments))
