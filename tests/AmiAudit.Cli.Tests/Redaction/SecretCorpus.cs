using System.Text;
using System.Text.Encodings.Web;

namespace AmiAudit.Cli.Tests.Redaction;

/// <summary>
/// One unique, random-looking value per secret shape of issue 8 (none a real credential), and the byte patterns
/// a leak of each could take in an output: the value itself, every 12-character window of its random part (a
/// renderer that cuts or wraps a line still leaks a window), URL-, HTML- and JSON-escaped forms, and base64 at
/// all three alignments. Deterministic per seed, so a failure reproduces.
/// </summary>
public sealed class SecretCorpus
{
    private const string Base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private readonly Random _rng;
    private readonly List<Secret> _all = [];

    /// <param name="Shape">What it is, for the failure message.</param>
    /// <param name="Value">As written in the root.</param>
    /// <param name="Random">The random part (prefixes such as ghp_ are public).</param>
    public sealed record Secret(string Shape, string Value, string Random);

    public IReadOnlyList<Secret> All => _all;

    public SecretCorpus(int seed)
    {
        _rng = new Random(seed);
        Signature = Add("X-Amz-Signature", "", Hex(64));
        KeyId = Add("AWS access key id (AKIA)", "AKIA", Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16));
        SessionToken = Add("X-Amz-Security-Token", "IQoJb3JpZ2luX2Vj", Alnum(64));
        SasSignature = Add("sig= (Azure SAS)", "", Alnum(43));
        UrlPassword = Add("userinfo password in a URL", "", Alnum(14));
        Bearer = Add("Authorization: Bearer", "", Alnum(32));
        BasicPassword = Add("password inside Basic credentials", "", Alnum(12));
        Basic = Add("Authorization: Basic (base64)", "", Convert.ToBase64String(Encoding.UTF8.GetBytes("deploy:" + BasicPassword)));
        AwsSecret = Add("AWS secret access key (40 chars)", "", Chars(Base62 + "+/", 40));
        FlagToken = Add("--token=", "", Alnum(24));
        JoinToken = Add("kubeadm join token", "", Chars("abcdefghijklmnopqrstuvwxyz0123456789", 6) + "." + Chars("abcdefghijklmnopqrstuvwxyz0123456789", 16));
        DbPassword = Add("--db-password", "", Alnum(12));
        ClientSecret = Add("--client-secret=", "", Alnum(20));
        ApiToken = Add("API_TOKEN= assignment", "", Alnum(20));
        EnvPassword = Add("DB_PASSWORD= in EnvironmentFile / container Env", "", Alnum(12));
        Ghp = Add("GitHub ghp_", "ghp_", Alnum(36));
        Gho = Add("GitHub gho_", "gho_", Alnum(36));
        Ghu = Add("GitHub ghu_", "ghu_", Alnum(36));
        Ghs = Add("GitHub ghs_", "ghs_", Alnum(36));
        Ghr = Add("GitHub ghr_", "ghr_", Alnum(36));
        GithubPat = Add("GitHub github_pat_", "github_pat_", Alnum(22) + "_" + Alnum(59));
        GitLab = Add("GitLab glpat-", "glpat-", Alnum(20));
        SlackBot = Add("Slack xoxb-", "xoxb-", Digits(12) + "-" + Digits(13) + "-" + Alnum(24));
        SlackUser = Add("Slack xoxp-", "xoxp-", Digits(12) + "-" + Digits(13) + "-" + Alnum(24));
        SlackApp = Add("Slack xoxa-", "xoxa-", Digits(12) + "-" + Alnum(30));
        SlackRefresh = Add("Slack xoxr-", "xoxr-", Digits(12) + "-" + Alnum(30));
        Jwt = Add("JWT", "eyJhbGciOiJSUzI1NiJ9.", "eyJ" + Alnum(40) + "." + Alnum(43));
        QueryJwt = Add("JWT in ?jwt=", "eyJhbGciOiJIUzI1NiJ9.", "eyJ" + Alnum(36) + "." + Alnum(43));
        PemBody = Add("PEM private key body", "", Alnum(64));
        LabelApiKey = Add("label com.example.api-key", "", Alnum(16));
        LabelPassword = Add("label db.password", "", Alnum(10));
        ImagePassword = Add("userinfo password in an image reference", "", Alnum(14));
        OsToken = Add("token in os-release PRETTY_NAME", "ghs_", Alnum(36));
        DpkgToken = Add("token in a dpkg description", "ghp_", Alnum(36));
        CloudInitToken = Add("kubeadm token in a cloud-init error", "", Chars("abcdefghijklmnopqrstuvwxyz0123456789", 6) + "." + Chars("abcdefghijklmnopqrstuvwxyz0123456789", 16));
        KernelIfToken = Add("token as a kernel-log interface name", "ghu_", Alnum(36));
        KernelVersionToken = Add("token as a kernel-log driver version", "glpat-", Alnum(20));
        PolicyExampleToken = Add("token in a policy example", "ghp_", Alnum(36));
        DescriptionToken = Add("JWT-less bearer in a unit Description", "", Alnum(28));
    }

    public string Signature { get; }
    public string KeyId { get; }
    public string SessionToken { get; }
    public string SasSignature { get; }
    public string UrlPassword { get; }
    public string Bearer { get; }
    public string BasicPassword { get; }
    public string Basic { get; }
    public string AwsSecret { get; }
    public string FlagToken { get; }
    public string JoinToken { get; }
    public string DbPassword { get; }
    public string ClientSecret { get; }
    public string ApiToken { get; }
    public string EnvPassword { get; }
    public string Ghp { get; }
    public string Gho { get; }
    public string Ghu { get; }
    public string Ghs { get; }
    public string Ghr { get; }
    public string GithubPat { get; }
    public string GitLab { get; }
    public string SlackBot { get; }
    public string SlackUser { get; }
    public string SlackApp { get; }
    public string SlackRefresh { get; }
    public string Jwt { get; }
    public string QueryJwt { get; }
    public string PemBody { get; }
    public string LabelApiKey { get; }
    public string LabelPassword { get; }
    public string ImagePassword { get; }
    public string OsToken { get; }
    public string DpkgToken { get; }
    public string CloudInitToken { get; }
    public string KernelIfToken { get; }
    public string KernelVersionToken { get; }
    public string PolicyExampleToken { get; }
    public string DescriptionToken { get; }

    /// <summary>Every byte pattern that would show <paramref name="s"/> leaked.</summary>
    public static IEnumerable<(string Form, byte[] Bytes)> LeakForms(Secret s)
    {
        var forms = new List<(string, string)> { ("raw", s.Value) };
        for (var i = 0; i + 12 <= s.Random.Length; i++) forms.Add(($"window {i}", s.Random.Substring(i, 12)));
        forms.Add(("url-encoded", Uri.EscapeDataString(s.Value)));
        forms.Add(("html-encoded", HtmlEncoder.Default.Encode(s.Value)));
        forms.Add(("json-escaped", JavaScriptEncoder.Default.Encode(s.Value)));
        forms.Add(("html-entity", System.Net.WebUtility.HtmlEncode(s.Value)));
        var bytes = Encoding.UTF8.GetBytes(s.Value);
        for (var shift = 0; shift < 3; shift++)
        {
            var b64 = Convert.ToBase64String([.. new byte[shift], .. bytes]);
            // The first 4 and last 4 characters depend on the neighbouring bytes; the middle is fixed.
            if (b64.Length > 16) forms.Add(($"base64+{shift}", b64[4..^4]));
        }
        return forms.Where(f => f.Item2.Length >= 8).DistinctBy(f => f.Item2).Select(f => (f.Item1, Encoding.UTF8.GetBytes(f.Item2)));
    }

    private string Add(string shape, string prefix, string random)
    {
        var s = new Secret(shape, prefix + random, random);
        _all.Add(s);
        return s.Value;
    }

    private string Chars(string alphabet, int n) => string.Create(n, (alphabet, _rng), (span, st) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = st.alphabet[st._rng.Next(st.alphabet.Length)];
    });

    private string Alnum(int n) => Chars(Base62, n);
    private string Hex(int n) => Chars("0123456789abcdef", n);
    private string Digits(int n) => Chars("0123456789", n);
}
