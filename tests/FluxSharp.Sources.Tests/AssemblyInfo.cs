// The git, sshd and file-mode tests need a Unix host.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace FluxSharp.Sources.Tests;
