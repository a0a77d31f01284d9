using AmiAudit.Core.Redaction;

namespace AmiAudit.Core.Tests.Redaction;

public class RedactUrlTests
{
    private const string Presigned =
        "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet" +
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240419%2Fus-west-2%2Fs3%2Faws4_request" +
        "&X-Amz-Date=20240419T120000Z&X-Amz-Expires=3600&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEPSESSION" +
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=SECRETSIG0123456789abcdef";

    [Fact]
    public void Presigned_s3_url_keeps_its_shape_but_loses_credential_token_and_signature()
    {
        var r = Redactor.RedactUrl(Presigned);

        // Signature, session token and credential are machine-made: each carries a fingerprint (SecretShapesTests).
        r.ShouldMatch("X-Amz-Signature=REDACTED:[0-9a-f]{8}$");
        System.Text.RegularExpressions.Regex.Replace(r, "REDACTED:[0-9a-f]{8}", "REDACTED").ShouldBe("https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet" +
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED" +
                   "&X-Amz-Date=20240419T120000Z&X-Amz-Expires=3600&X-Amz-Security-Token=REDACTED" +
                   "&X-Amz-SignedHeaders=host&X-Amz-Signature=REDACTED");
        r.ShouldNotContain("SECRETSIG");
        r.ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
        r.ShouldNotContain("SESSION");
    }

    [Theory]
    [InlineData("https://h/p?sig=abc&se=2030", "https://h/p?sig=REDACTED&se=2030")]
    [InlineData("https://h/p?token=abc", "https://h/p?token=REDACTED")]
    [InlineData("https://h/p?access_token=abc#x", "https://h/p?access_token=REDACTED#x")]
    [InlineData("https://h/p?apikey=abc&api_key=def", "https://h/p?apikey=REDACTED&api_key=REDACTED")]
    [InlineData("https://h/p?password=hunter2&secret=s", "https://h/p?password=REDACTED&secret=REDACTED")]
    [InlineData("https://h/p?AWSAccessKeyId=AKIAX&Signature=abc%2B&Expires=1", "https://h/p?AWSAccessKeyId=REDACTED&Signature=REDACTED&Expires=1")]
    [InlineData("https://h/p?GITHUB_TOKEN=1", "https://h/p?GITHUB_TOKEN=REDACTED")]
    [InlineData("https://h/p?versionId=abc", "https://h/p?versionId=abc")]
    [InlineData("https://h/cb#access_token=abc&state=1", "https://h/cb#access_token=REDACTED&state=1")]
    [InlineData("https://user:pass@h.example/p", "https://REDACTED@h.example/p")]
    [InlineData("https://token@h.example:8443/p", "https://REDACTED@h.example:8443/p")]
    [InlineData("https://h.example/a@b", "https://h.example/a@b")]
    [InlineData("s3://bucket/key", "s3://bucket/key")]
    [InlineData("https://h", "https://h")]
    [InlineData("", "")]
    public void Redacts_secret_parameters_and_userinfo_only(string input, string expected)
    {
        Redactor.RedactUrl(input).ShouldBe(expected);
    }

    [Fact]
    public void Key_case_does_not_matter_and_encoded_keys_are_recognised()
    {
        Redactor.RedactUrl("https://h/p?x-amz-signature=abc").ShouldBe("https://h/p?x-amz-signature=REDACTED");
        Redactor.RedactUrl("https://h/p?X%2DAmz%2DSignature=abc").ShouldBe("https://h/p?X%2DAmz%2DSignature=REDACTED");
    }

    [Fact]
    public void Redaction_is_idempotent()
    {
        var once = Redactor.RedactUrl(Presigned);
        Redactor.RedactUrl(once).ShouldBe(once);
    }
}
