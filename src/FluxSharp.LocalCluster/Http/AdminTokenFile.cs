using System.Security.Cryptography;

namespace FluxSharp.LocalCluster.Http;

/// <summary>
/// The admin's bearer token: 32 random bytes from the OS CSPRNG, base64url. With a state dir it is kept in
/// <c>token</c> (0600) so that kubeconfigs written earlier keep working across restarts; without one each start
/// gets a fresh token.
/// </summary>
internal static class AdminTokenFile
{
    public const string FileName = "token";

    private const int Bytes = 32;

    /// <summary>A new random token.</summary>
    public static string Generate() => Base64Url(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>The token kept in <paramref name="stateDir"/>, created there (0600) when missing or not a token of ours.</summary>
    public static string LoadOrCreate(string stateDir)
    {
        var path = Path.Combine(stateDir, FileName);
        if (File.Exists(path))
        {
            var kept = File.ReadAllText(path).Trim();
            if (IsWellFormed(kept))
            {
                return kept;
            }
        }

        var token = Generate();
        PrivateFile.WriteAtomically(path, token);
        return token;
    }

    private static bool IsWellFormed(string token) =>
        token.Length >= 43 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
