using AmiAudit.Core.Redaction;

namespace AmiAudit.Core.Tests.Redaction;

/// <summary>
/// Issue 8, defect 2: the secret shapes <c>RedactText</c> must remove wherever they appear (unit ExecStart lines,
/// labels, image references, cloud-init errors, kernel lines), the evidence it must keep, and the fingerprint rules
/// that let <c>diff</c> tell "a different token" from "the same token" without revealing either.
/// </summary>
public class SecretShapesTests
{
    // Random-looking values in each shape (none is a real credential).
    public const string GitHubPat = "ghp_R8tmQ2xZk4LwP9vN7cYb3HdF6sJ1aE5gU0oT";
    public const string GitHubFineGrained = "github_pat_11AQZK3YI0xW7nB2vR5tLp_Yd8Hs4Kf1Jq6Mz9Nc3Xb7Vw2Tg5Ra0Ue8Pi4Oy1Lk6Jh3Gf";
    public const string GitLab = "glpat-x7Rk2Lm9QwZt4Vb8NcYp";
    public const string Slack = "xoxb-482910375612-5819203746281-Qm7Zt2Xr9LkW4vBn8CyHp3Jd";
    public const string Jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6Ik1rN2QifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoieDcifQ.Zk3pQ9rT2mW8vL5nX1bY7cH4dJ6sF0gA";
    public const string AwsSecret = "q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti";
    public const string AwsKeyId = "AKIA4Q7ZR2LX9KW3MB5N";
    public const string JoinToken = "k3x9qa.7m2pz8w4r1tv6ybn";
    public const string CaHash = "sha256:3f9a1c2e7b5d4a6f8e0c1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3";

    private static void Gone(string input, string secret)
    {
        input.ShouldContain(secret); // the negative control: the input really holds it
        var r = Redactor.RedactText(input);
        r.ShouldNotContain(secret);
        r.ShouldContain(Redactor.Mask);
        Redactor.RedactText(r).ShouldBe(r, "redaction is idempotent");
    }

    [Theory]
    [InlineData("ghp_R8tmQ2xZk4LwP9vN7cYb3HdF6sJ1aE5gU0oT")]
    [InlineData("gho_R8tmQ2xZk4LwP9vN7cYb3HdF6sJ1aE5gU0oT")]
    [InlineData("ghu_R8tmQ2xZk4LwP9vN7cYb3HdF6sJ1aE5gU0oT")]
    [InlineData("ghs_R8tmQ2xZk4LwP9vN7cYb3HdF6sJ1aE5gU0oT")]
    [InlineData("ghr_R8tmQ2xZk4LwP9vN7cYb3HdF6sJ1aE5gU0oT")]
    [InlineData(GitHubFineGrained)]
    [InlineData(GitLab)]
    [InlineData(Slack)]
    [InlineData("xoxp-482910375612-5819203746281-Qm7Zt2Xr9LkW4vBn8CyHp3Jd")]
    [InlineData(Jwt)]
    [InlineData(AwsKeyId)]
    [InlineData(JoinToken)]
    public void Bare_tokens_are_redacted_anywhere_in_text(string token)
    {
        Gone(token, token);
        Gone($"echo {token} > /tmp/x", token);
        Gone($"ExecStart=/usr/bin/agent {token}", token);
        Gone($"('scripts_user', RuntimeError('failed with {token}: 401'))", token);
        Gone($"\"{token}\"", token);
    }

    [Fact]
    public void Jwt_in_a_query_parameter_or_fragment_is_redacted()
    {
        Gone($"curl https://api.example.com/v1/nodes?jwt={Jwt}&x=1", Jwt);
        Gone($"https://idp.example.com/cb#id_token={Jwt}", Jwt);
        Gone($"\"${{BASE}}?jwt={Jwt}\"", Jwt);
        Redactor.RedactText($"curl https://api.example.com/v1/nodes?jwt={Jwt}&x=1").ShouldStartWith("curl https://api.example.com/v1/nodes?jwt=REDACTED");
    }

    [Fact]
    public void Kubeadm_join_tokens_in_free_text_are_redacted_but_the_ca_cert_hash_is_kept()
    {
        const string error = "('runcmd', ProcessExecutionError(\"kubeadm join failed with token k3x9qa.7m2pz8w4r1tv6ybn: unauthorized\"))";
        Gone(error, JoinToken);
        var join = $"kubeadm join 10.0.0.1:6443 --token {JoinToken} --discovery-token-ca-cert-hash {CaHash}";
        var r = Redactor.RedactText(join);
        r.ShouldNotContain(JoinToken);
        r.ShouldContain($"--discovery-token-ca-cert-hash {CaHash}");
        r.ShouldStartWith("kubeadm join 10.0.0.1:6443 --token REDACTED");
    }

    [Theory]
    [InlineData("aws_secret_access_key = q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti")]
    [InlineData("aws configure set aws_secret_access_key q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti")]
    [InlineData("{\"SecretAccessKey\": \"q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti\"}")]
    [InlineData("secretAccessKey: q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti")]
    [InlineData("--aws-secret-access-key=q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti")]
    [InlineData("Environment=AWS_SECRET_ACCESS_KEY=q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti")]
    [InlineData("Environment=\"AWS_REGION=us-west-2\" \"AWS_SECRET_ACCESS_KEY=q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti\"")]
    public void Aws_secret_keys_after_a_secret_name_are_redacted(string input) => Gone(input, AwsSecret);

    [Theory]
    [InlineData("Environment=DB_PASSWORD=Zq8vLm3x", "Zq8vLm3x")]
    [InlineData("ConditionEnvironment=API_TOKEN=Zq8vLm3x", "Zq8vLm3x")]
    [InlineData("docker run -e NPM_TOKEN=Zq8vLm3x app", "Zq8vLm3x")]
    [InlineData("--env=REGISTRY_PASSWORD=Zq8vLm3x", "Zq8vLm3x")]
    [InlineData("privateKey: Zq8vLm3x", "Zq8vLm3x")]
    [InlineData("\"apiKey\": \"Zq8vLm3x\"", "Zq8vLm3x")]
    [InlineData("/usr/bin/kubelet --bootstrap-token=Zq8vLm3x --v=2", "Zq8vLm3x")]
    [InlineData("/usr/bin/agent --db-password Zq8vLm3x", "Zq8vLm3x")]
    [InlineData("/usr/bin/agent --client-secret='Zq8vLm3x'", "Zq8vLm3x")]
    [InlineData("Authorization: Bearer Zq8vLm3xQ7", "Zq8vLm3xQ7")]
    [InlineData("curl -H 'Proxy-Authorization: Basic ZGVwbG95OlpxOHZMbTN4' https://h/", "ZGVwbG95OlpxOHZMbTN4")]
    [InlineData("wget --header=\"Basic ZGVwbG95OlpxOHZMbTN4\" https://h/", "ZGVwbG95OlpxOHZMbTN4")]
    [InlineData("login failed: password Zq8vLm3x rejected", "Zq8vLm3x")]
    [InlineData("Description=Agent (auth token Zq8vLm3xQ7pW4r)", "Zq8vLm3xQ7pW4r")]
    [InlineData("the api key is Zq8vLm3xQ7pW4r.", "Zq8vLm3xQ7pW4r")]
    public void Nested_and_camel_case_assignments_flags_and_headers_are_redacted(string input, string secret) => Gone(input, secret);

    [Theory]
    [InlineData("deploy:Zq8vLm3xQ7@registry.example.com/team/app:1.4", "Zq8vLm3xQ7")]
    [InlineData("deploy:Zq8vLm3xQ7@registry.example.com:5000/app@sha256:3f9a1c2e7b5d4a6f8e0c1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3", "Zq8vLm3xQ7")]
    [InlineData("docker pull deploy:Zq8vLm3xQ7@registry.example.com/app", "Zq8vLm3xQ7")]
    [InlineData("https://deploy:Zq8vLm3xQ7@registry.example.com/v2/", "Zq8vLm3xQ7")]
    public void Userinfo_in_image_references_is_redacted(string input, string secret)
    {
        Gone(input, secret);
        Redactor.RedactText(input).ShouldContain("REDACTED@registry.example.com");
    }

    [Fact]
    public void Presigned_and_signature_parameters_are_redacted_even_in_exec_lines()
    {
        const string exec = "/usr/bin/curl -fsSL -o /usr/bin/kubelet https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/kubelet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4Q7ZR2LX9KW3MB5N%2F20240419%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEPr7Zt2Xr9LkW4vBn8CyHp3Jd&X-Amz-Signature=9c4e1b7a3f2d8e6c5b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c";
        var r = Redactor.RedactText(exec);
        foreach (var secret in (string[])["AKIA4Q7ZR2LX9KW3MB5N", "IQoJb3JpZ2luX2VjEPr7Zt2Xr9LkW4vBn8CyHp3Jd", "9c4e1b7a3f2d8e6c5b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c"])
            r.ShouldNotContain(secret);
        r.ShouldStartWith("/usr/bin/curl -fsSL -o /usr/bin/kubelet https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/kubelet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED");
    }

    [Fact]
    public void Private_key_blocks_of_every_kind_are_redacted()
    {
        const string body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
        Gone($"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----", body);
        Gone($"-----BEGIN EC PRIVATE KEY-----\\n{body}\\n-----END EC PRIVATE KEY-----", body);
    }

    // ---- precision: evidence that is not a secret is kept ---------------------------------------------------

    [Theory]
    [InlineData("/usr/bin/kubelet --authentication-token-webhook=true --anonymous-auth=false --authorization-mode=Webhook")]
    [InlineData("TOKEN_FILE=/var/lib/kubelet/token")]
    [InlineData("--token-file=/etc/eks/token --client-ca-file=/etc/kubernetes/pki/ca.crt --tls-private-key-file=/etc/kubernetes/pki/key.pem")]
    [InlineData("--discovery-token-ca-cert-hash sha256:3f9a1c2e7b5d4a6f8e0c1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3")]
    [InlineData("public.ecr.aws/eks/aws-load-balancer-controller@sha256:3f9a1c2e7b5d4a6f8e0c1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3")]
    [InlineData("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.1-eksbuild.1")]
    [InlineData("registry.example.com:5000/team/app:1.4")]
    [InlineData("https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("systemd-tokenizer.service")]
    [InlineData("kubelet-token-rotation.timer")]
    [InlineData("pam_unix(sshd:auth): password authentication failed for user ec2-user")]
    [InlineData("token expired; requesting a new one")]
    [InlineData("Basic authentication is disabled")]
    [InlineData("scp ec2-user@10.0.0.5:/var/log/messages .")]
    [InlineData("git@github.com:aws/amazon-eks-ami.git")]
    [InlineData("5.15.0-1051-aws")]
    [InlineData("1:2.38.1-5+deb12u1")]
    [InlineData("ip-10-0-12-34.us-west-2.compute.internal")]
    [InlineData("9c4e1b7a3f2d8e6c5b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c")]
    [InlineData("i-0abcdef1234567890")]
    [InlineData("ConditionPathExists=/etc/eks/bootstrap-token.done")]
    [InlineData("Main process exited, code=exited, status=1/FAILURE")]
    [InlineData("ena 0000:00:05.0 eth0: Found a Tx that wasn't completed on time, qid 4, index 219.")]
    public void Evidence_that_is_not_a_secret_is_kept(string input) => Redactor.RedactText(input).ShouldBe(input);

    // ---- fingerprints --------------------------------------------------------------------------------------

    [Fact]
    public void High_entropy_secrets_carry_a_short_fingerprint_that_tells_different_values_apart()
    {
        var a = Redactor.RedactText($"--token={GitHubPat}");
        var b = Redactor.RedactText("--token=ghp_Wq3nB8xK2mZ7cV4tY9rL1pD6hF0sJ5gA8uE2");
        a.ShouldMatch("^--token=REDACTED:[0-9a-f]{8}$");
        b.ShouldMatch("^--token=REDACTED:[0-9a-f]{8}$");
        a.ShouldNotBe(b, "two different tokens must look different to diff");
        Redactor.RedactText($"--token={GitHubPat}").ShouldBe(a, "deterministic: the same token looks the same on every node");
        Redactor.RedactText($"KEY={GitHubPat}").ShouldEndWith(a["--token=".Length..], customMessage: "the fingerprint is of the value, not of where it stands");
    }

    [Theory]
    [InlineData("DB_PASSWORD=hunter2")]
    [InlineData("DB_PASSWORD=Summer2024!Beach")]
    [InlineData("--password=CorrectHorseBatteryStaple")]
    [InlineData("--token=aaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("--token=0123456789abcdef")]
    [InlineData("https://deploy:hunter2hunter2@h.example/x")]
    public void Short_or_low_entropy_secrets_get_no_fingerprint_because_a_guess_could_be_confirmed(string input)
    {
        var r = Redactor.RedactText(input);
        r.ShouldContain(Redactor.Mask);
        r.ShouldNotContain(Redactor.Mask + ":");
    }

    [Fact]
    public void Label_and_environment_values_under_secret_names_are_masked_whole()
    {
        Redactor.RedactValue("com.example.api-key", "plain words here").ShouldBe("REDACTED");
        Redactor.RedactValue("GITHUB_TOKEN", GitHubPat).ShouldMatch("^REDACTED:[0-9a-f]{8}$");
        Redactor.RedactValue("DB_PASSWORD", "REDACTED").ShouldBe("REDACTED");
        Redactor.RedactValue("maintainer", "team@example.com").ShouldBe("team@example.com");
        Redactor.RedactValue("TOKEN_FILE", "/var/run/token").ShouldBe("/var/run/token");
        Redactor.RedactValue("org.opencontainers.image.source", "https://u:Zq8vLm3xQ7@git.example/x").ShouldBe("https://REDACTED@git.example/x");
        Redactor.RedactValue("webhook-enabled-token", "true").ShouldBe("true");
    }

    [Fact]
    public void The_pre_filter_never_changes_the_answer()
    {
        // Every string of the shape and evidence corpora, alone and glued together, redacts the same with
        // and without the cheap pre-filter (which only skips rules that cannot match).
        var corpus = Corpus().ToList();
        corpus.Count.ShouldBeGreaterThan(60);
        foreach (var text in corpus.Concat(corpus.Zip(corpus.Skip(7), (x, y) => x + " " + y)))
            Redactor.RedactText(text).ShouldBe(Redactor.RedactTextAllRules(text), text);
    }

    /// <summary>Image files are hostile input: strings built to make a regex backtrack or a rule recurse must still
    /// be redacted (no stack overflow, no hang). 64 KiB each: enough that a quadratic rule (10⁹ steps) or a
    /// recursion per nesting level (a stack overflow kills the process) fails; the bound is a hang guard, not a timing.</summary>
    [Fact]
    public async Task Hostile_strings_neither_hang_nor_overflow_the_stack()
    {
        string Repeat(string s, int chars) => string.Concat(Enumerable.Repeat(s, chars / s.Length));
        const int M = 1 << 16;
        var hostile = new[]
        {
            Repeat("a=", M), Repeat("key=", M), Repeat("keyring=", M), "KEYRING=" + Repeat("keyring:", M) + "API_TOKEN=Zq8vLm3x",
            "token a" + Repeat(":", M), Repeat("token ", M), Repeat("auth token ", M), Repeat("-----BEGIN PRIVATE KEY-----", M),
            "eyJ" + Repeat("a", M), "ghp_" + Repeat("A", M), Repeat("a:", M) + "@", "?" + Repeat("token=&", M), "https://" + Repeat("a@", M),
            "Basic " + Repeat("QUJD", M), "Authorization: " + Repeat("x ", M), Repeat("--token ", M), Repeat("abcdef.", M),
            Repeat("u:p@h/", M), Repeat("\"token\": ", M), Repeat("ab12cd.0123456789abcdef", M),
        };
        await Task.Run(() =>
        {
            foreach (var h in hostile)
            {
                var r = Redactor.RedactText(h);
                Redactor.RedactText(r).ShouldBe(r);
            }
        }).WaitAsync(TimeSpan.FromMinutes(2));
        Redactor.RedactText(hostile[3]).ShouldNotContain("Zq8vLm3x");
    }

    private static IEnumerable<string> Corpus()
    {
        foreach (var m in typeof(SecretShapesTests).GetMethods())
        {
            foreach (var attr in m.GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>())
                foreach (var row in attr.GetData(m))
                    foreach (var v in row.OfType<string>())
                        yield return v;
        }
        foreach (var t in (string[])[GitHubPat, GitLab, Slack, Jwt, AwsSecret, AwsKeyId, JoinToken, CaHash])
            yield return t;
    }
}
