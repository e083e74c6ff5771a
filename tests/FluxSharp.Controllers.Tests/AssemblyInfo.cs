// git, sshd and file modes need a Unix host.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace FluxSharp.Controllers.Tests;
