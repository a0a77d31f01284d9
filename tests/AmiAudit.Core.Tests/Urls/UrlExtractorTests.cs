using AmiAudit.Core.Urls;

namespace AmiAudit.Core.Tests.Urls;

public class UrlExtractorTests
{
    private const string ZoneA = AmiAudit.Testing.NodeFactsSamples.EksUserDataZoneA;

    // T-EKS-04 (zone b): path-style URL written out, checksum via s3://.
    private const string ZoneB = """
        #!/bin/bash
        set -euo pipefail
        wget -q -O /usr/bin/kubelet https://s3.us-west-2.amazonaws.com/amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet
        aws s3 cp s3://amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet.sha256 /root/
        chmod +x /usr/bin/kubelet
        /etc/eks/bootstrap.sh my-cluster
        """;

    [Fact]
    public void Zone_a_resolves_the_variable_and_its_sha256_use()
    {
        var urls = UrlExtractor.Extract(ZoneA, "/var/lib/cloud/instance/user-data.txt");

        urls.Select(u => (u.Line, u.Normalized)).ShouldBe(
        [
            (3, "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet"),
            (5, "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet.sha256"),
        ]);
        urls.ShouldAllBe(u => u.Purpose == "kubelet" && u.S3Bucket == "amazon-eks" && u.S3Region == "us-west-2");
        urls.ShouldAllBe(u => u.Source == "/var/lib/cloud/instance/user-data.txt");
        urls[0].S3Key.ShouldBe("1.29.3/2024-04-19/bin/linux/amd64/kubelet");
    }

    [Fact]
    public void Same_artifact_in_two_zones_and_two_url_styles_has_the_same_bucket_and_key()
    {
        var a = UrlExtractor.Extract(ZoneA, "a").Single(u => !u.Path.EndsWith(".sha256", StringComparison.Ordinal));
        var b = UrlExtractor.Extract(ZoneB, "b").Single(u => u.Scheme == "https");

        a.Normalized.ShouldNotBe(b.Normalized);
        (b.S3Bucket, b.S3Key).ShouldBe((a.S3Bucket, a.S3Key));
        b.S3Region.ShouldBe("us-west-2");
        b.Purpose.ShouldBe("kubelet");
        b.Line.ShouldBe(3);
    }

    [Fact]
    public void S3_scheme_urls_are_parsed_without_region()
    {
        var u = UrlExtractor.Extract(ZoneB, "b").Single(x => x.Scheme == "s3");
        (u.S3Bucket, u.S3Key, u.S3Region, u.Host, u.Purpose, u.Line)
            .ShouldBe(("amazon-eks", "1.29.3/2024-04-19/bin/linux/amd64/kubelet.sha256", (string?)null, "amazon-eks", "kubelet", 4));
        u.Normalized.ShouldBe("s3://amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet.sha256");
    }

    // The further fixtures of node-facts 7.9 and the styles of 5.3.
    [Theory]
    [InlineData("https://amazon-eks.s3.amazonaws.com/1.29.0/2024-01-04/bin/linux/amd64/kubelet", "amazon-eks", "1.29.0/2024-01-04/bin/linux/amd64/kubelet", null)]
    [InlineData("https://s3-us-west-2.amazonaws.com/amazon-eks/1.12.7/2019-03-27/bin/linux/amd64/kubelet", "amazon-eks", "1.12.7/2019-03-27/bin/linux/amd64/kubelet", "us-west-2")]
    [InlineData("https://amazon-eks.s3.cn-north-1.amazonaws.com.cn/1.29.3/2024-04-19/bin/linux/arm64/kubelet", "amazon-eks", "1.29.3/2024-04-19/bin/linux/arm64/kubelet", "cn-north-1")]
    [InlineData("https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet?versionId=abc", "amazon-eks", "1.29.3/2024-04-19/bin/linux/amd64/kubelet", "us-west-2")]
    [InlineData("https://s3.amazonaws.com/amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet", "amazon-eks", "1.29.3/2024-04-19/bin/linux/amd64/kubelet", null)]
    [InlineData("https://amazon-eks.s3-us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet", "amazon-eks", "1.29.3/2024-04-19/bin/linux/amd64/kubelet", "us-west-2")]
    [InlineData("https://amazon-eks.s3.dualstack.us-east-1.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet", "amazon-eks", "1.29.3/2024-04-19/bin/linux/amd64/kubelet", "us-east-1")]
    [InlineData("https://my.dotted.bucket.s3.eu-west-1.amazonaws.com/a/kubelet", "my.dotted.bucket", "a/kubelet", "eu-west-1")]
    [InlineData("https://s3-foo.s3.amazonaws.com/a/kubelet", "s3-foo", "a/kubelet", null)]
    [InlineData("https://amazon-eks.s3.us-iso-east-1.c2s.ic.gov/1.29.3/2024-04-19/bin/linux/amd64/kubelet", "amazon-eks", "1.29.3/2024-04-19/bin/linux/amd64/kubelet", "us-iso-east-1")]
    [InlineData("https://AMAZON-EKS.S3.US-WEST-2.AMAZONAWS.COM/1.29.3/2024-04-19/bin/linux/amd64/kubelet", "amazon-eks", "1.29.3/2024-04-19/bin/linux/amd64/kubelet", "us-west-2")]
    public void S3_styles_normalise_to_bucket_key_region(string url, string bucket, string key, string? region)
    {
        var u = UrlExtractor.ToFact(url, "x", 1).ShouldNotBeNull();
        (u.S3Bucket, u.S3Key, u.S3Region).ShouldBe((bucket, key, region));
        u.Purpose.ShouldBe("kubelet");
        u.Normalized.ShouldNotContain("?");
    }

    [Theory]
    [InlineData("https://dl.k8s.io/release/v1.29.3/bin/linux/amd64/kubelet", "dl.k8s.io")]
    [InlineData("https://storage.googleapis.com/kubernetes-release/release/v1.29.3/bin/linux/amd64/kubelet", "storage.googleapis.com")]
    public void Upstream_kubelet_urls_are_kubelet_but_not_s3(string url, string host)
    {
        var u = UrlExtractor.ToFact(url, "x", 1).ShouldNotBeNull();
        (u.Purpose, u.Host, u.S3Bucket).ShouldBe(("kubelet", host, (string?)null));
    }

    [Theory]
    [InlineData("https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubectl", "kubectl")]
    [InlineData("https://github.com/containerd/containerd/releases/download/v1.7.13/containerd-1.7.13-linux-amd64.tar.gz", "containerd")]
    [InlineData("https://download.docker.com/linux/ubuntu/dists/jammy/pool/stable/amd64/containerd.io_1.6.28-1_amd64.deb", "containerd")]
    [InlineData("https://s3.amazonaws.com/amazon-ecs-agent-us-east-1/amazon-ecs-init-latest.x86_64.rpm", "ecs")]
    [InlineData("https://amazon-ecs-agent-us-west-2.s3.us-west-2.amazonaws.com/ecs-agent-v1.80.0.tar", "ecs")]
    [InlineData("https://amazon-ecs-agent.s3.amazonaws.com/amazon-ecs-init-1.80.0-1.amd64.deb", "ecs")]
    [InlineData("https://example.com/kubelet-1.29.3", "kubelet")]
    [InlineData("https://dl.k8s.io/v1.29.3/kubernetes-node-linux-amd64.tar.gz", "kubelet")]
    [InlineData("https://example.com/install.sh", "other")]
    [InlineData("https://example.com/", "other")]
    public void Purpose_comes_from_the_last_segment_or_well_known_buckets(string url, string purpose)
    {
        UrlExtractor.ToFact(url, "x", 1)!.Purpose.ShouldBe(purpose);
    }

    [Fact]
    public void Normalised_form_drops_query_fragment_userinfo_and_default_port_and_lowercases_host()
    {
        var u = UrlExtractor.ToFact("HTTPS://user:pw@Example.COM:443/A/B?token=x#frag", "x", 1)!;
        u.Normalized.ShouldBe("https://example.com/A/B");
        u.Redacted.ShouldBe("HTTPS://REDACTED@Example.COM:443/A/B?token=REDACTED#frag");
        UrlExtractor.ToFact("http://mirror.local:8080/k", "x", 1)!.Normalized.ShouldBe("http://mirror.local:8080/k");
        UrlExtractor.ToFact("https://h", "x", 1)!.Normalized.ShouldBe("https://h/");
    }

    [Theory]
    [InlineData("curl \"https://h/a\"", "https://h/a")]
    [InlineData("curl 'https://h/a';", "https://h/a")]
    [InlineData("see (https://h/a).", "https://h/a")]
    [InlineData("x=$(curl -s https://h/a)", "https://h/a")]
    [InlineData("curl https://h/a \\", "https://h/a")]
    [InlineData("curl https://h/a|sh", "https://h/a")]
    [InlineData("- [ sh, -c, \"curl https://h/a\" ]", "https://h/a")]
    [InlineData("<https://h/a>", "https://h/a")]
    [InlineData("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("url: https://h/a,", "https://h/a")]
    public void Shell_quoting_and_punctuation_are_trimmed(string line, string url)
    {
        UrlExtractor.Candidates(line).ShouldBe([url]);
    }

    [Fact]
    public void Non_urls_are_not_candidates()
    {
        UrlExtractor.Candidates("ftp://h/x file:///etc/x https:// nohttps://h").ShouldBeEmpty();
    }

    [Fact]
    public void Nested_variables_and_braces_expand_like_install_worker()
    {
        const string script = """
            BINARY_BUCKET_NAME=amazon-eks
            BINARY_BUCKET_REGION=us-west-2
            S3_DOMAIN="amazonaws.com"
            KUBERNETES_VERSION=1.28.1
            KUBERNETES_BUILD_DATE=2023-09-14
            ARCH=amd64
            S3_URL_BASE="https://$BINARY_BUCKET_NAME.s3.$BINARY_BUCKET_REGION.$S3_DOMAIN/$KUBERNETES_VERSION/$KUBERNETES_BUILD_DATE/bin/linux/$ARCH"
            for binary in kubelet kubectl; do
              wget ${S3_URL_BASE}/kubelet
              wget $S3_URL_BASE/$binary
            done
            """;
        var urls = UrlExtractor.Extract(script, "/etc/eks/install.sh");

        var kubelet = urls.Single(u => u.Purpose == "kubelet");
        kubelet.Normalized.ShouldBe("https://amazon-eks.s3.us-west-2.amazonaws.com/1.28.1/2023-09-14/bin/linux/amd64/kubelet");
        kubelet.Line.ShouldBe(9);
        kubelet.S3Key.ShouldBe("1.28.1/2023-09-14/bin/linux/amd64/kubelet");
        // The base itself (line 7) and the loop use whose $binary is unknown are kept as "other".
        urls.ShouldContain(u => u.Line == 7 && u.Purpose == "other");
        urls.ShouldContain(u => u.Line == 10 && u.Path.EndsWith("/$binary", StringComparison.Ordinal) && u.Purpose == "other");
    }

    [Fact]
    public void Default_values_and_last_assignment_above_the_use_win()
    {
        const string script = """
            URL=https://a.example/kubelet
            curl "$URL"
            URL=https://b.example/kubelet
            curl "$URL"
            curl "${MIRROR:-https://c.example}/kubectl"
            """;
        var urls = UrlExtractor.Extract(script, "s");
        urls.Select(u => (u.Line, u.Host)).ShouldBe([(1, "a.example"), (3, "b.example"), (5, "c.example")]);
    }

    [Fact]
    public void Presigned_url_in_a_script_keeps_no_secret_in_any_field()
    {
        const string script = "curl -o /usr/bin/kubelet \"https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240419%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=SECRETSIG0123\"";
        var u = UrlExtractor.Extract(script, "s").ShouldHaveSingleItem();
        var all = string.Join("|", u.Normalized, u.Redacted, u.Host, u.Path, u.S3Key, u.S3Bucket);
        all.ShouldNotContain("SECRETSIG");
        all.ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
        u.Redacted.ShouldContain("X-Amz-Signature=REDACTED");
        u.S3Key.ShouldBe("1.29.3/2024-04-19/bin/linux/amd64/kubelet");
    }

    [Fact]
    public void First_line_offset_shifts_line_numbers()
    {
        UrlExtractor.Extract("\n\ncurl https://h/x", "s", firstLine: 10).Single().Line.ShouldBe(12);
    }

    [Fact]
    public void Unknown_variable_in_host_is_kept_verbatim_and_not_s3()
    {
        var u = UrlExtractor.Extract("curl https://$BUCKET.s3.amazonaws.com/k/kubelet", "s").Single();
        u.Host.ShouldBe("$BUCKET.s3.amazonaws.com");
        u.S3Bucket.ShouldBeNull();
        u.Purpose.ShouldBe("kubelet");
    }

    [Fact]
    public void Self_referencing_variables_terminate()
    {
        const string script = "A=\"$B/x\"\nB=\"$A/y\"\ncurl https://h/$A";
        var urls = UrlExtractor.Extract(script, "s");
        urls.ShouldNotBeEmpty();
        urls.ShouldAllBe(u => u.Normalized.Length < 10_000);
    }
}
