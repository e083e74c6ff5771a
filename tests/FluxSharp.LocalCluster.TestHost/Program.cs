using FluxSharp.LocalCluster;
using FluxSharp.LocalCluster.Storage;

// Usage: FluxSharp.LocalCluster.TestHost <state-dir>
// Serves a local control plane on a free port of 127.0.0.1 with its state in <state-dir>, prints "ready <url>" once
// it serves, and runs until stdin closes (or the process is killed, which is what the crash tests do). Plain HTTP:
// clients send the admin token kept in <state-dir>/token.
if (args.Length != 1)
{
    await Console.Error.WriteLineAsync("usage: FluxSharp.LocalCluster.TestHost <state-dir>");
    return 2;
}

LocalControlPlane plane;
try
{
    plane = await LocalControlPlane.StartAsync(new LocalControlPlaneOptions { StateDir = args[0], SimulateWorkloads = false, Tls = false });
}
catch (StateDirException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

await using (plane)
{
    Console.WriteLine($"ready {plane.BaseUrl}");
    await Console.In.ReadToEndAsync();
}

return 0;
