using System.Text;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Redaction;

/// <summary>
/// Removes secrets from URLs and script text before anything reaches a snapshot, report or log.
/// Pure and idempotent: redacting twice gives the same text. The rules (docs/security.md) err on the
/// side of redacting — a lost non-secret value costs evidence, a kept secret costs an incident.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "REDACTED";

    /// <summary>
    /// Redacts one URL as written: userinfo (<c>user:pass@</c>) → <c>REDACTED@</c>, the values of secret query or
    /// fragment parameters (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, sig, token, …) → REDACTED.
    /// Everything else (scheme, host, path, harmless parameters) is kept byte for byte.
    /// </summary>
    public static string RedactUrl(string url)
    {
        if (string.IsNullOrEmpty(url)) return url;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0) authorityEnd = url.Length;

        var sb = new StringBuilder(url.Length);
        sb.Append(url, 0, authorityStart);
        var authority = url[authorityStart..authorityEnd];
        var at = schemeEnd < 0 ? -1 : authority.LastIndexOf('@');
        sb.Append(at >= 0 ? Mask + authority[at..] : authority);

        var rest = url[authorityEnd..];
        var q = rest.IndexOf('?');
        var h = rest.IndexOf('#');
        if (q >= 0 && (h < 0 || q < h))
        {
            var queryEnd = h < 0 ? rest.Length : h;
            sb.Append(rest, 0, q + 1);
            sb.Append(RedactParameters(rest[(q + 1)..queryEnd]));
            rest = rest[queryEnd..];
        }
        else if (h < 0)
        {
            sb.Append(rest);
            return sb.ToString();
        }
        else
        {
            sb.Append(rest, 0, h);
            rest = rest[h..];
        }

        if (rest.StartsWith('#'))
        {
            // OAuth implicit flows put access_token in the fragment.
            sb.Append('#').Append(RedactParameters(rest[1..]));
        }
        else
        {
            sb.Append(rest);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Redacts free text (scripts, cloud-init error strings, log lines): every URL as <see cref="RedactUrl"/>,
    /// secret query parameters even outside a full URL, <c>NAME=value</c> / <c>name: value</c> where the name
    /// looks secret (see <see cref="SecretNames.IsSecretName"/>), <c>--token xyz</c> style flags,
    /// <c>Authorization: Bearer …</c>, <c>curl -u user:pass</c>, AWS access key ids (AKIA…/ASIA…) and PEM private keys.
    /// </summary>
    public static string RedactText(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var s = PrivateKeyBlock().Replace(text, m => m.Groups["begin"].Value + Mask + m.Groups["end"].Value);
        s = UrlInText().Replace(s, m => RedactUrl(m.Value));
        s = LooseQueryParameter().Replace(s, m =>
            SecretNames.IsSecretQueryKey(m.Groups["key"].Value) && m.Groups["value"].Value != Mask
                ? m.Groups["lead"].Value + m.Groups["key"].Value + "=" + Mask
                : m.Value);
        s = AuthorizationHeader().Replace(s, m => m.Groups["lead"].Value + Mask);
        s = BearerToken().Replace(s, m => m.Groups["lead"].Value + Mask);
        s = UserPassFlag().Replace(s, m => m.Groups["lead"].Value + Mask);
        s = SecretFlag().Replace(s, m =>
            SecretNames.IsSecretName(m.Groups["name"].Value) && IsLiteralSecretValue(m.Groups["value"].Value)
                ? m.Groups["lead"].Value + Quote(m.Groups["value"].Value, Mask)
                : m.Value);
        s = Assignment().Replace(s, m =>
            SecretNames.IsSecretName(m.Groups["name"].Value) && IsLiteralSecretValue(m.Groups["value"].Value)
                ? m.Groups["lead"].Value + Quote(m.Groups["value"].Value, Mask)
                : m.Value);
        s = AwsAccessKeyId().Replace(s, Mask);
        return s;
    }

    private static string RedactParameters(string parameters)
    {
        if (parameters.Length == 0) return parameters;
        var pieces = parameters.Split('&');
        for (var i = 0; i < pieces.Length; i++)
        {
            var eq = pieces[i].IndexOf('=');
            if (eq <= 0) continue;
            var key = Uri.UnescapeDataString(pieces[i][..eq]);
            if (SecretNames.IsSecretQueryKey(key)) pieces[i] = pieces[i][..(eq + 1)] + Mask;
        }
        return string.Join('&', pieces);
    }

    /// <summary>A value that is a variable reference, command substitution, boolean or already masked is
    /// not itself a secret: keeping it keeps the script's meaning visible (TOKEN=$(curl … /api/token)).</summary>
    private static bool IsLiteralSecretValue(string raw)
    {
        var v = raw.Trim().Trim('"', '\'');
        if (v.Length == 0) return false;
        if (v.StartsWith('$')) return false;
        if (v.Contains(Mask, StringComparison.Ordinal)) return false;
        return !(v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase)
                 || v.Equals("yes", StringComparison.OrdinalIgnoreCase) || v.Equals("no", StringComparison.OrdinalIgnoreCase)
                 || v == "0" || v == "1" || v.Equals("null", StringComparison.OrdinalIgnoreCase));
    }

    private static string Quote(string original, string replacement)
    {
        if (original.Length >= 1 && (original[0] == '"' || original[0] == '\''))
        {
            var q = original[0];
            return q + replacement + (original.Length > 1 && original[^1] == q ? q.ToString() : "");
        }
        return replacement;
    }

    [GeneratedRegex(@"(?<begin>-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)[\s\S]*?(?<end>-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)")]
    private static partial Regex PrivateKeyBlock();

    // Any scheme: postgres://user:pw@…, ftp://…, s3://… all carry userinfo or query secrets the same way.
    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9+.\-]{0,15}://[^\s""'<>`]+")]
    private static partial Regex UrlInText();

    // ?X-Amz-Signature=… built from variables ("${BASE}?sig=…") never matches as a whole URL.
    [GeneratedRegex(@"(?<lead>[?&;])(?<key>[A-Za-z0-9_.\-]{1,64})=(?<value>[^&\s""'#<>`;]*)")]
    private static partial Regex LooseQueryParameter();

    [GeneratedRegex(@"(?<lead>\b(?:Proxy-)?Authorization\s*[:=]\s*(?>(?:(?:Bearer|Basic|Token|Digest|AWS4-HMAC-SHA256|AWS)\s+)?))(?!REDACTED)[^\s""']+(?:[^\n""']*)", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(@"(?<lead>\bBearer\s+)(?!REDACTED)[A-Za-z0-9._~+/=\-]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();

    // curl -u user:pass / --user user:pass (only when a ':' shows a password is present; useradd -u 1000 is kept).
    [GeneratedRegex(@"(?<lead>(?:^|\s)(?:-u|--user|--proxy-user)[=\s]+[""']?[^\s:""']+:)(?!REDACTED)[^\s""']+")]
    private static partial Regex UserPassFlag();

    // --token xyz, --token=xyz, --aws-secret-access-key 'x'
    [GeneratedRegex(@"(?<lead>(?:^|(?<=[\s\[,]))--?(?<name>[A-Za-z][A-Za-z0-9_\-]*)(?:=|\s+))(?<value>""[^""\n]*""?|'[^'\n]*'?|[^\s""'\-][^\s""';|&)]*)")]
    private static partial Regex SecretFlag();

    // NAME=value, export NAME="v", name: value, "name": "value"
    [GeneratedRegex(@"(?<lead>(?<![A-Za-z0-9_\-.])[""']?(?<name>[A-Za-z_][A-Za-z0-9_\-.]*)[""']?\s*(?:=|:(?!//))[ \t]*)(?<value>""[^""\n]*""?|'[^'\n]*'?|[^\s""',;|&)\]}]+)")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")]
    private static partial Regex AwsAccessKeyId();
}
