using AmiAudit.Core.Redaction;

namespace AmiAudit.Core.Tests.Redaction;

public class RedactTextTests
{
    /// <summary>These expectations predate fingerprints (<c>REDACTED:3f9a1c2e</c> for machine-made values, see
    /// SecretShapesTests); they check where the mask goes, so the fingerprint is dropped before comparing.</summary>
    private static string R(string text) => System.Text.RegularExpressions.Regex.Replace(Redactor.RedactText(text), "REDACTED:[0-9a-f]{8}", "REDACTED");

    [Theory]
    [InlineData("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "export AWS_SECRET_ACCESS_KEY=REDACTED")]
    [InlineData("AWS_ACCESS_KEY_ID=\"someid\"", "AWS_ACCESS_KEY_ID=\"REDACTED\"")]
    [InlineData("AWS_SESSION_TOKEN='IQoJb3Jp'", "AWS_SESSION_TOKEN='REDACTED'")]
    [InlineData("GITHUB_TOKEN=ghp_abc123", "GITHUB_TOKEN=REDACTED")]
    [InlineData("DB_PASSWORD=hunter2 ./run", "DB_PASSWORD=REDACTED ./run")]
    [InlineData("MYSQL_PASSWD=x", "MYSQL_PASSWD=REDACTED")]
    [InlineData("API_KEY=abc", "API_KEY=REDACTED")]
    [InlineData("CLIENT_SECRET=abc", "CLIENT_SECRET=REDACTED")]
    [InlineData("password: hunter2", "password: REDACTED")]
    [InlineData("  \"token\": \"abc\",", "  \"token\": \"REDACTED\",")]
    public void Secret_looking_assignments_lose_their_value(string input, string expected)
    {
        R(input).ShouldBe(expected);
    }

    [Theory]
    [InlineData("KUBELET_EXTRA_ARGS=--node-labels=pool=gpu")]
    [InlineData("KUBELET_VERSION=1.29.3")]
    [InlineData("TOKEN_FILE=/etc/eks/token")]
    [InlineData("SSH_KEY_PATH=/root/.ssh/id_rsa")]
    [InlineData("PWD=/root")]
    [InlineData("TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token)")]
    [InlineData("AWS_SECRET_ACCESS_KEY=\"$SECRET_FROM_SSM\"")]
    [InlineData("--authentication-token-webhook=true")]
    [InlineData("/etc/eks/bootstrap.sh my-cluster --b64-cluster-ca LS0t --apiserver-endpoint https://abc.eks.amazonaws.com")]
    [InlineData("useradd -u 1000 ec2-user")]
    public void Non_secrets_and_references_are_kept(string input)
    {
        Redactor.RedactText(input).ShouldBe(input);
    }

    [Theory]
    [InlineData("kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef", "kubeadm join 10.0.0.1:6443 --token REDACTED")]
    [InlineData("tool --token=abc --other x", "tool --token=REDACTED --other x")]
    [InlineData("aws configure --aws-secret-access-key 'abc'", "aws configure --aws-secret-access-key 'REDACTED'")]
    [InlineData("nodeadm --bootstrap-token \"t0k\"", "nodeadm --bootstrap-token \"REDACTED\"")]
    [InlineData("curl -u admin:s3cr3t https://h/", "curl -u admin:REDACTED https://h/")]
    [InlineData("curl --user admin:s3cr3t https://h/", "curl --user admin:REDACTED https://h/")]
    public void Secret_flags_lose_their_value(string input, string expected)
    {
        R(input).ShouldBe(expected);
    }

    [Fact]
    public void Authorization_headers_and_bearer_tokens_are_redacted()
    {
        R("curl -H \"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig\" https://api/x")
            .ShouldBe("curl -H \"Authorization: Bearer REDACTED\" https://api/x");
        Redactor.RedactText("-H 'authorization: Basic dXNlcjpwYXNz'").ShouldBe("-H 'authorization: Basic REDACTED'");
        R("got bearer abcdefghijklmnop from idp").ShouldBe("got bearer REDACTED from idp");
    }

    [Fact]
    public void Access_key_ids_are_redacted_anywhere()
    {
        R("aws creds AKIAIOSFODNN7EXAMPLE in log").ShouldBe("aws creds REDACTED in log");
        R("ASIAY34FZKBOKMUTVV7A").ShouldBe("REDACTED");
    }

    [Fact]
    public void Urls_in_text_are_redacted_like_RedactUrl_including_other_schemes()
    {
        var text = "curl -o /usr/bin/kubelet 'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAX%2F1&X-Amz-Signature=SECRETSIG'\n" +
                   "psql postgres://app:pw123@db:5432/x\n";
        var r = Redactor.RedactText(text);
        r.ShouldNotContain("SECRETSIG");
        r.ShouldNotContain("pw123");
        r.ShouldContain("https://b.s3.amazonaws.com/k?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED");
        r.ShouldContain("postgres://REDACTED@db:5432/x");
    }

    [Fact]
    public void Query_parameters_outside_a_whole_url_are_redacted()
    {
        Redactor.RedactText("curl \"${BASE_URL}?X-Amz-Signature=SECRETSIG&x=1\"").ShouldBe("curl \"${BASE_URL}?X-Amz-Signature=REDACTED&x=1\"");
    }

    [Fact]
    public void Private_key_blocks_are_redacted_whole()
    {
        var text = "write_files:\n- content: |\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEowIBAAKCAQEA\n    -----END RSA PRIVATE KEY-----\n";
        var r = R(text);
        r.ShouldNotContain("MIIEowIBAAKCAQEA");
        r.ShouldContain("-----BEGIN RSA PRIVATE KEY-----REDACTED-----END RSA PRIVATE KEY-----");
    }

    [Fact]
    public void Cloud_init_error_strings_keep_their_meaning()
    {
        const string error = "('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))";
        Redactor.RedactText(error).ShouldBe(error);
    }

    [Fact]
    public void Redacting_twice_changes_nothing()
    {
        const string text = "export AWS_SECRET_ACCESS_KEY=abc\ncurl -H 'Authorization: Bearer abcdefghijkl' https://u:p@h/x?token=t\n--token xyz AKIAIOSFODNN7EXAMPLE";
        var once = Redactor.RedactText(text);
        Redactor.RedactText(once).ShouldBe(once);
        once.ShouldNotContain("abcdefghijkl");
        once.ShouldNotContain("xyz");
    }

    [Theory]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("AWS_ACCESS_KEY_ID", true)]
    [InlineData("AWS_SESSION_TOKEN", true)]
    [InlineData("bootstrap-token", true)]
    [InlineData("DBPASSWORD", true)]
    [InlineData("KUBELET_EXTRA_ARGS", false)]
    [InlineData("KEYRING", false)]
    [InlineData("TOKEN_FILE", false)]
    [InlineData("kubeconfig", false)]
    [InlineData("PWD", false)]
    public void Secret_names(string name, bool secret)
    {
        SecretNames.IsSecretName(name).ShouldBe(secret);
    }
}
