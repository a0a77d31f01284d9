using System.Security.Cryptography;
using System.Text;

namespace AmiAudit.Core.Redaction;

/// <summary>
/// What a secret is replaced with: <c>REDACTED</c>, or <c>REDACTED:3f9a1c2e</c> when a short fingerprint reveals
/// nothing. The fingerprint lets <c>diff</c> say "a different token" (two nodes, two fingerprints) or "the same
/// token" without showing either. It is the first 32 bits of HMAC-SHA256 under a fixed, public domain key, so it
/// is deterministic (golden files, fleets) — and therefore only safe for values nobody can guess: anyone can
/// compute the fingerprint of a candidate, so a fingerprint of "hunter2" would confirm the guess. Hence only
/// machine-made values get one: a recognised token shape (ghp_…, AKIA…, JWT, kubeadm token, PEM body), or a
/// value of at least 16 characters without whitespace whose character statistics look random (docs/security.md).
/// </summary>
public static class SecretFingerprint
{
    /// <summary>Changing this changes every fingerprint in every snapshot: keep it, or bump the snapshot schema.</summary>
    private static readonly byte[] DomainKey = "amiaudit/redaction/fingerprint/v1"u8.ToArray();

    public const int HexLength = 8;
    public const int MinLength = 16;

    /// <summary><c>REDACTED:xxxxxxxx</c> for a value that looks machine-made (or is, when
    /// <paramref name="machineMade"/>: the caller recognised its shape), else plain <c>REDACTED</c>.</summary>
    public static string Mask(string secret, bool machineMade = false)
    {
        var value = secret.Trim();
        return (machineMade && value.Length >= MinLength) || LooksRandom(value) ? Redactor.Mask + ":" + Of(value) : Redactor.Mask;
    }

    /// <summary>The 8 hex digits for <paramref name="value"/>.</summary>
    public static string Of(string value)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(DomainKey, Encoding.UTF8.GetBytes(value), mac);
        return Convert.ToHexStringLower(mac[..(HexLength / 2)]);
    }

    /// <summary>
    /// True when a value is long and random-looking enough that a dictionary cannot reach it: ≥ 16 characters,
    /// no whitespace, printable ASCII, and an empirical Shannon entropy of ≥ 4.0 bits per character (hex-only
    /// values: ≥ 32 characters and ≥ 3.5 bits, hex has only 16 symbols). Random base62/base64 tokens of 20+
    /// characters score 4.1–5; human passwords and passphrases score below 3.7 ("CorrectHorseBatteryStaple"
    /// 3.5, "Summer2024!Beach" 3.6). When in doubt: no fingerprint — that only costs distinguishability.
    /// </summary>
    public static bool LooksRandom(string value)
    {
        if (value.Length < MinLength) return false;
        Span<int> counts = stackalloc int[128];
        var hexOnly = true;
        foreach (var c in value)
        {
            if (c <= ' ' || c >= 127) return false;
            counts[c]++;
            hexOnly &= char.IsAsciiHexDigit(c);
        }
        double entropy = 0;
        foreach (var n in counts)
        {
            if (n == 0) continue;
            var p = (double)n / value.Length;
            entropy -= p * Math.Log2(p);
        }
        return hexOnly ? value.Length >= 32 && entropy >= 3.5 : entropy >= 4.0;
    }
}
