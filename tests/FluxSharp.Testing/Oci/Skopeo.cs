using System.Diagnostics;

namespace FluxSharp.Testing.Oci;

/// <summary>Debian's <c>skopeo</c>, the independent client that cross-checks what FluxSharp pushes and pulls.</summary>
public static class Skopeo
{
    public const string Path = "/usr/bin/skopeo";

    /// <summary>Runs skopeo with a permissive policy and no stored credentials; returns stdout, throws on failure.</summary>
    public static async Task<string> RunAsync(IEnumerable<string> args, CancellationToken ct = default)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"{Path} not found: install Debian's skopeo (scripts/test.sh does it)");
        }

        var policy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fluxsharp-skopeo-policy.json");
        if (!File.Exists(policy))
        {
            await File.WriteAllTextAsync(policy, """{"default":[{"type":"insecureAcceptAnything"}]}""", ct);
        }

        var psi = new ProcessStartInfo(Path) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("--policy");
        psi.ArgumentList.Add(policy);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}");
        }

        return await stdout;
    }
}
