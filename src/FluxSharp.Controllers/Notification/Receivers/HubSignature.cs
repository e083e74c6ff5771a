using System.Security.Cryptography;

namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>
/// A GitHub-style signature header, <c>sha256=&lt;hex HMAC of the raw body&gt;</c> (also sha1 and sha512), as GitHub,
/// Gitea, Bitbucket Server and generic-hmac senders write it. Checked in constant time.
/// </summary>
public static class HubSignature
{
    /// <summary>Null when the signature is the HMAC of <paramref name="body"/> with <paramref name="key"/>; else why not.</summary>
    public static string? Check(string? signature, ReadOnlySpan<byte> body, ReadOnlySpan<byte> key)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return "missing signature";
        }

        var eq = signature.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            return "error parsing signature: expected <algorithm>=<hex digest>";
        }

        byte[] expected;
        switch (signature[..eq])
        {
            case "sha1":
#pragma warning disable CA5350 // GitHub's legacy X-Hub-Signature is HMAC-SHA1; the sender chooses it, not us.
                expected = HMACSHA1.HashData(key, body);
#pragma warning restore CA5350
                break;
            case "sha256":
                expected = HMACSHA256.HashData(key, body);
                break;
            case "sha512":
                expected = HMACSHA512.HashData(key, body);
                break;
            default:
                return $"unknown hash type prefix: \"{signature[..eq]}\"";
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(eq + 1));
        }
        catch (FormatException)
        {
            return "error decoding signature: not hexadecimal";
        }

        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "payload signature check failed";
    }

    /// <summary>The header value a sender writes: sha256= and the hex HMAC-SHA256 of the body.</summary>
    public static string Sha256(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
}
