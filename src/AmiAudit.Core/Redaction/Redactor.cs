using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace AmiAudit.Core.Redaction;

/// <summary>
/// Removes secrets from URLs and free text before anything reaches a snapshot, report or log. Pure,
/// deterministic and idempotent: redacting twice gives the same text. The rules (docs/security.md) err on the
/// side of redacting — a lost non-secret value costs evidence, a kept secret costs an incident. A secret becomes
/// <c>REDACTED</c>, or <c>REDACTED:3f9a1c2e</c> when it is machine-made enough for a fingerprint to reveal
/// nothing (<see cref="SecretFingerprint"/>).
/// </summary>
public static partial class Redactor
{
    public const string Mask = "REDACTED";

    /// <summary>True for <c>REDACTED</c> and <c>REDACTED:xxxxxxxx</c> (also quoted): what this class writes,
    /// which every rule leaves alone so that redaction is idempotent.</summary>
    public static bool IsMasked(ReadOnlySpan<char> value) =>
        value.Trim().Trim('"').Trim('\'').StartsWith(Mask, StringComparison.Ordinal);

    /// <summary>
    /// Redacts one URL as written: userinfo (<c>user:pass@</c>) → <c>REDACTED@</c>, the values of secret query or
    /// fragment parameters (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, sig, token, jwt, …) → REDACTED.
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
        sb.Append(at >= 0 ? MaskUserinfo(authority[..at]) + authority[at..] : authority);

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
            return Same(url, sb);
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
        return Same(url, sb);
    }

    /// <summary>
    /// Redacts free text (exec lines, scripts, cloud-init errors, log lines, labels): see docs/security.md for the
    /// table. Strings that cannot hold any of the shapes (most unit names, paths, versions, states) are returned
    /// as they are after a vectorised pre-filter, without running a regex.
    /// </summary>
    public static string RedactText(string text) =>
        string.IsNullOrEmpty(text) || !MayHoldSecret(text) ? text : RedactTextAllRules(text);

    /// <summary>
    /// A value stored under a name — a label, an environment variable, a dictionary entry. When the name looks
    /// secret (<see cref="SecretNames.IsSecretName"/>) the whole value is masked, whatever its shape
    /// (<c>com.example.api-key=plain words</c>); otherwise the value goes through <see cref="RedactText"/>.
    /// References and flags (<c>$VAR</c>, <c>true</c>, <c>sha256:…</c> digests) are kept as in assignments.
    /// </summary>
    public static string RedactValue(string name, string value)
    {
        if (string.IsNullOrEmpty(value)) return value;
        return SecretNames.IsSecretName(name) && IsLiteralSecretValue(value) ? MaskOf(value) : RedactText(value);
    }

    /// <summary>Every rule, no pre-filter. <see cref="RedactText"/> must give the same answer (a test holds it to that).</summary>
    internal static string RedactTextAllRules(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        var s = PrivateKeyBlock().Replace(text, m => IsMasked(m.Groups["body"].ValueSpan)
            ? m.Value
            : m.Groups["begin"].Value + SecretFingerprint.Mask(m.Groups["body"].Value, machineMade: true) + m.Groups["end"].Value);
        s = UrlInText().Replace(s, m => RedactUrl(m.Value));
        s = LooseQueryParameter().Replace(s, m =>
            SecretNames.IsSecretQueryKey(m.Groups["key"].Value) && !IsMasked(m.Groups["value"].ValueSpan)
                ? m.Groups["lead"].Value + m.Groups["key"].Value + "=" + MaskOf(m.Groups["value"].Value)
                : m.Value);
        s = AuthorizationHeader().Replace(s, m => m.Groups["lead"].Value + MaskOf(m.Groups["value"].Value));
        s = BearerToken().Replace(s, m => m.Groups["lead"].Value + MaskOf(m.Groups["value"].Value));
        s = BasicCredentials().Replace(s, m => IsBasicCredential(m.Groups["value"].Value) ? m.Groups["lead"].Value + MaskOf(m.Groups["value"].Value) : m.Value);
        s = UserPassFlag().Replace(s, m => m.Groups["lead"].Value + MaskOf(m.Groups["value"].Value));
        s = SecretFlag().Replace(s, m =>
            IsSecretName(m.Groups["name"].Value) && IsLiteralSecretValue(m.Groups["value"].Value)
                ? m.Groups["lead"].Value + Quote(m.Groups["value"].Value, MaskOf(m.Groups["value"].Value))
                : m.Value);
        s = RedactAssignments(s);
        s = RedactFreeText(s);
        s = RegistryUserinfo().Replace(s, m => m.Groups["user"].Value == Mask ? m.Value : MaskOf(m.Groups["password"].Value) + "@");
        s = KnownToken().Replace(s, m => SecretFingerprint.Mask(m.Value, machineMade: true));
        return s;
    }

    /// <summary>
    /// NAME=value, export NAME="v", name: value, "name": "value". The regex only matches names that contain a secret
    /// word, so an outer non-secret assignment never swallows a nested one (<c>Environment=DB_PASSWORD=x</c>,
    /// <c>ConditionEnvironment=TOKEN=x</c>: the match starts at the inner name). When a secret-word name is not
    /// secret after all (<c>KEYRING=API_TOKEN=x</c>), the search resumes inside its value — at most
    /// <see cref="MaxNestedResumes"/> times per string, so a hostile <c>keyring=keyring=…</c> line stays linear.
    /// </summary>
    private static string RedactAssignments(string s)
    {
        StringBuilder? sb = null;
        int copied = 0, at = 0, resumes = 0;
        while (at < s.Length)
        {
            var m = Assignment().Match(s, at);
            if (!m.Success) break;
            var value = m.Groups["value"];
            if (IsSecretName(m.Groups["name"].Value) && IsLiteralSecretValue(value.Value))
            {
                sb ??= new StringBuilder(s.Length);
                sb.Append(s, copied, value.Index - copied).Append(Quote(value.Value, MaskOf(value.Value)));
                at = copied = value.Index + value.Length;
            }
            else if (value.ValueSpan.IndexOfAny('=', ':') < 0)
            {
                at = value.Index + value.Length;
            }
            else if (resumes++ < MaxNestedResumes)
            {
                at = value.Index; // an assignment may be nested in the value
            }
            else
            {
                // Nested deeper than any real line: mask the rest rather than scan it again and again.
                sb ??= new StringBuilder(s.Length);
                sb.Append(s, copied, value.Index - copied).Append(Quote(value.Value, Mask));
                at = copied = value.Index + value.Length;
            }
        }
        return sb is null ? s : sb.Append(s, copied, s.Length - copied).ToString();
    }

    private const int MaxNestedResumes = 32;

    /// <summary>A name that contains our own mask is our own output (<c>…KEY-----REDACTED:3f9a1c2e-----END</c>
    /// reads like <c>NAME:value</c>), never a secret's name: leaving it keeps redaction idempotent.</summary>
    private static bool IsSecretName(string name) => !name.Contains(Mask, StringComparison.Ordinal) && SecretNames.IsSecretName(name);

    /// <summary>"with token X", "password X rejected", "aws configure set aws_secret_access_key X". A loop rather than
    /// Regex.Replace: when a word pair is not a secret ("auth token X"), the search resumes at its second word,
    /// which may itself name the secret that follows.</summary>
    private static string RedactFreeText(string s)
    {
        StringBuilder? sb = null;
        int copied = 0, at = 0;
        while (at < s.Length)
        {
            var m = FreeTextSecret().Match(s, at);
            if (!m.Success) break;
            var value = m.Groups["value"];
            if (IsSecretName(m.Groups["name"].Value) && LooksLikeCredential(value.Value))
            {
                sb ??= new StringBuilder(s.Length);
                sb.Append(s, copied, value.Index - copied).Append(MaskOf(value.Value));
                at = copied = value.Index + value.Length;
            }
            else
            {
                at = value.Index;
            }
        }
        return sb is null ? s : sb.Append(s, copied, s.Length - copied).ToString();
    }

    /// <summary>The mask for one secret value (quotes stripped): fingerprinted when its shape or statistics say
    /// it is machine-made (<see cref="SecretFingerprint"/>).</summary>
    internal static string MaskOf(string value)
    {
        var v = value.Trim().Trim('"', '\'');
        return SecretFingerprint.Mask(v, machineMade: WholeKnownToken().IsMatch(v));
    }

    private static string MaskUserinfo(string userinfo)
    {
        if (IsMasked(userinfo)) return userinfo;
        var colon = userinfo.IndexOf(':');
        // The password decides the fingerprint; a user name alone (a token used as user) is the secret itself.
        return MaskOf(colon >= 0 ? userinfo[(colon + 1)..] : userinfo);
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
            var value = pieces[i][(eq + 1)..];
            if (SecretNames.IsSecretQueryKey(key) && !IsMasked(value))
                pieces[i] = pieces[i][..(eq + 1)] + (value.Length == 0 ? Mask : MaskOf(value));
        }
        return string.Join('&', pieces);
    }

    private static string Same(string original, StringBuilder sb) =>
        sb.Length == original.Length && sb.Equals(original.AsSpan()) ? original : sb.ToString();

    /// <summary>A value that is a variable reference, command substitution, boolean, digest or already masked is
    /// not itself a secret: keeping it keeps the script's meaning visible (TOKEN=$(curl … /api/token),
    /// --discovery-token-ca-cert-hash sha256:…, --authentication-token-webhook=true).</summary>
    private static bool IsLiteralSecretValue(string raw)
    {
        var v = raw.Trim().Trim('"', '\'');
        if (v.Length == 0) return false;
        if (v.StartsWith('$')) return false;
        if (v.Contains(Mask, StringComparison.Ordinal)) return false;
        if (Digest().IsMatch(v)) return false;
        return !(v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase)
                 || v.Equals("yes", StringComparison.OrdinalIgnoreCase) || v.Equals("no", StringComparison.OrdinalIgnoreCase)
                 || v == "0" || v == "1" || v.Equals("null", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>After a secret word in prose ("with token X", "password X rejected"): only a value that looks like a
    /// credential — letters and digits mixed, 8+ characters, or random-looking — so "token expired" and "password
    /// authentication failed" keep their meaning.</summary>
    private static bool LooksLikeCredential(string value)
    {
        if (value.Length < 8 || IsMasked(value) || !IsLiteralSecretValue(value)) return false;
        if (value[0] is '/' or '-' or '.' || value.Contains("://", StringComparison.Ordinal)) return false;
        var span = value.AsSpan();
        var digits = span.IndexOfAnyInRange('0', '9') >= 0;
        var letters = span.IndexOfAnyInRange('a', 'z') >= 0 || span.IndexOfAnyInRange('A', 'Z') >= 0;
        return (digits && letters) || SecretFingerprint.LooksRandom(value);
    }

    /// <summary><c>Basic dXNlcjpwYXNz</c> without an Authorization header: only when it decodes to user:password,
    /// so "Basic authentication" stays.</summary>
    private static bool IsBasicCredential(string value)
    {
        if (IsMasked(value) || value.Length % 4 != 0) return false;
        Span<byte> bytes = stackalloc byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out var n) && bytes[..n].IndexOf((byte)':') > 0;
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

    // ---- the pre-filter ------------------------------------------------------------------------------------

    /// <summary>
    /// Every rule needs one of these (case-insensitive): a secret name part (token, secret, pass, pwd, cred, key,
    /// sig, auth, cookie, bearer, jwt — see <see cref="SecretNames"/>), "basic", a URL ("://"), or a token prefix.
    /// </summary>
    private static readonly SearchValues<string> Needles = SearchValues.Create(
        [
            "token", "secret", "pass", "pwd", "cred", "key", "sig", "auth", "cookie", "bearer", "jwt", "basic", "://",
            "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glcbt-", "gloas-", "glimt-", "glsoat-",
            "xoxa-", "xoxb-", "xoxe-", "xoxp-", "xoxr-", "xoxs-", "eyj", "akia", "asia", "abia", "acca",
        ],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<char> QueryLeads = SearchValues.Create("?&;");

    /// <summary>Every rule but the bare-token one needs one of these: '=' or ':' (assignments, headers, URLs,
    /// user:pass), whitespace (flags with a value, Bearer/Basic, prose, PEM), '?' '&amp;' ';' (query parameters).</summary>
    private static readonly SearchValues<char> Structure = SearchValues.Create("=:@?&; \t\r\n\f\v");

    /// <summary>The prefixes of the token shapes, as they are written (the token rule is case-sensitive).</summary>
    private static readonly SearchValues<string> TokenPrefixes = SearchValues.Create(
        [
            "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glcbt-", "gloas-", "glimt-", "glsoat-",
            "xoxa-", "xoxb-", "xoxe-", "xoxp-", "xoxr-", "xoxs-", "eyJ", "AKIA", "ASIA", "ABIA", "ACCA",
        ],
        StringComparison.Ordinal);

    /// <summary>The shortest bare token any rule knows: xoxb- plus 10.</summary>
    private const int ShortestBareToken = 15;

    /// <summary>False only when no rule can match. Most strings of a snapshot (unit names, paths, versions, states)
    /// have no '=', ':', blank or query character: for them only a bare token shape is possible, and those are at
    /// least <see cref="ShortestBareToken"/> characters with a known prefix (or a kubeadm token). Otherwise: one of
    /// <see cref="Needles"/>, a <c>?k=v</c> / <c>&amp;k=v</c> (a secret query key such as <c>code</c>),
    /// <c>user:pass@</c> or <c>-u user:pass</c>, or a kubeadm token. The shortest secret any rule finds is 5
    /// characters (<c>pwd=x</c>).</summary>
    private static bool MayHoldSecret(string text)
    {
        var s = text.AsSpan();
        if (s.Length < 5) return false;
        if (s.IndexOfAny(Structure) < 0)
            return s.Length >= ShortestBareToken && (s.IndexOfAny(TokenPrefixes) >= 0 || MayHoldKubeadmToken(s));
        if (s.IndexOfAny(Needles) >= 0) return true;
        if (s.IndexOfAny(QueryLeads) >= 0 && s.Contains('=')) return true;
        if (s.Contains(':') && (s.Contains('@') || s.Contains("-u", StringComparison.Ordinal))) return true;
        return MayHoldKubeadmToken(s);
    }

    /// <summary>[a-z0-9]{6}\.[a-z0-9]{16} somewhere: checked around each dot, without a regex.</summary>
    private static bool MayHoldKubeadmToken(ReadOnlySpan<char> s)
    {
        var from = 0;
        while (true)
        {
            var dot = s[from..].IndexOf('.');
            if (dot < 0) return false;
            dot += from;
            if (dot >= 6 && s.Length - dot - 1 >= 16 && IsLowerAlnum(s.Slice(dot - 6, 6)) && IsLowerAlnum(s.Slice(dot + 1, 16))) return true;
            from = dot + 1;
        }
    }

    private static bool IsLowerAlnum(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9')) return false;
        return true;
    }

    // ---- the rules -----------------------------------------------------------------------------------------

    [GeneratedRegex(@"(?<begin>-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(?<body>[\s\S]*?)(?<end>-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)")]
    private static partial Regex PrivateKeyBlock();

    // Any scheme: postgres://user:pw@…, ftp://…, s3://… all carry userinfo or query secrets the same way.
    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9+.\-]{0,15}://[^\s""'<>`]+")]
    private static partial Regex UrlInText();

    // ?X-Amz-Signature=… built from variables ("${BASE}?sig=…") never matches as a whole URL.
    [GeneratedRegex(@"(?<lead>[?&;])(?<key>[A-Za-z0-9_.\-]{1,64})=(?<value>[^&\s""'#<>`;]*)")]
    private static partial Regex LooseQueryParameter();

    [GeneratedRegex(@"(?<lead>\b(?:Proxy-)?Authorization\s*[:=]\s*(?>(?:(?:Bearer|Basic|Token|Digest|AWS4-HMAC-SHA256|AWS)\s+)?))(?!REDACTED)(?<value>[^\s""']+(?:[^\n""']*))", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(@"(?<lead>\bBearer\s+)(?!REDACTED)(?<value>[A-Za-z0-9._~+/=\-]{8,})", RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"(?<lead>\b(?i:basic)\s+)(?!REDACTED)(?<value>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])")]
    private static partial Regex BasicCredentials();

    // curl -u user:pass / --user user:pass (only when a ':' shows a password is present; useradd -u 1000 is kept).
    [GeneratedRegex(@"(?<lead>(?:^|\s)(?:-u|--user|--proxy-user)[=\s]+[""']?[^\s:""']+:)(?!REDACTED)(?<value>[^\s""']+)")]
    private static partial Regex UserPassFlag();

    // --token xyz, --token=xyz, --aws-secret-access-key 'x'
    [GeneratedRegex(@"(?<lead>(?:^|(?<=[\s\[,]))--?(?<name>[A-Za-z][A-Za-z0-9_\-]*)(?:=|\s+))(?<value>""[^""\n]*""?|'[^'\n]*'?|[^\s""'\-][^\s""';|&)]*)")]
    private static partial Regex SecretFlag();

    // NAME=value, export NAME="v", name: value, "name": "value" — names with a secret word only (see RedactAssignments).
    [GeneratedRegex(@"(?<lead>(?<![A-Za-z0-9_\-.])[""']?(?<name>(?=[A-Za-z_])[A-Za-z0-9_\-.]*?" + SecretWords + @"[A-Za-z0-9_\-.]*)[""']?\s*(?:=|:(?!//))[ \t]*)(?<value>""[^""\n]*""?|'[^'\n]*'?|[^\s""',;|&)\]}]+)")]
    private static partial Regex Assignment();

    /// <summary>Every secret name contains one of these (<see cref="SecretNames"/>): the regexes that look for a secret
    /// name start only at words that hold one, which keeps them linear on hostile input.</summary>
    private const string SecretWords = "(?i:token|secret|pass|pwd|cred|key|sig|auth|cookie|bearer|jwt)";

    // "with token X", "password X rejected", "aws configure set aws_secret_access_key X": a secret word, blanks, the value.
    // The value ends at a character that is not sentence punctuation, found by backtracking (no lookahead per
    // character: a run of ':' after it stays linear).
    [GeneratedRegex(@"(?<lead>(?<![A-Za-z0-9_\-.$])(?<name>[A-Za-z0-9_\-.]*?" + SecretWords + @"[A-Za-z0-9_\-.]*)[ \t]+(?:(?:is|was|of|=)[ \t]+)?)(?<value>[^\s""',;)\]}]*[^\s""',;)\]}:.!?])")]
    private static partial Regex FreeTextSecret();

    // deploy:pass@registry.example.com/app:1.4 — userinfo in a scheme-less image reference (with a scheme, the URL rule has it).
    [GeneratedRegex(@"(?<![^\s""'=(\[,])(?<user>[A-Za-z0-9][A-Za-z0-9._\-]*):(?<password>[^\s/@""']+)@(?=[A-Za-z0-9][A-Za-z0-9.\-]*(?::[0-9]+)?/)")]
    private static partial Regex RegistryUserinfo();

    private const string TokenShapes =
        @"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}" +                                  // AWS access key ids
        @"|gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{22,255}" +        // GitHub
        @"|gl(?:pat|dt|rt|ptt|ft|cbt|oas|imt|soat)-[A-Za-z0-9_\-]{20,}" +          // GitLab
        @"|xox[abeprs]-[A-Za-z0-9\-]{10,}" +                                       // Slack
        @"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*";           // JWT (signed, or alg=none with an empty signature)

    /// <summary>kubeadm bootstrap token; stricter edges than the others so host names and file names with more
    /// dots or dashes around them (a.b12345.c…) are not taken for one.</summary>
    private const string KubeadmToken = @"(?<![A-Za-z0-9_.\-])[a-z0-9]{6}\.[a-z0-9]{16}(?![A-Za-z0-9_.\-])";

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:" + TokenShapes + @")(?![A-Za-z0-9])|" + KubeadmToken)]
    private static partial Regex KnownToken();

    [GeneratedRegex(@"^(?:" + TokenShapes + @"|[a-z0-9]{6}\.[a-z0-9]{16})$")]
    private static partial Regex WholeKnownToken();

    [GeneratedRegex(@"^sha(?:1|224|256|384|512):[0-9a-fA-F]{32,}$")]
    private static partial Regex Digest();
}
