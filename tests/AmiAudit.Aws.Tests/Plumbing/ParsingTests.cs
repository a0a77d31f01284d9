using AmiAudit.Aws.Ec2;
using AmiAudit.Aws.Plumbing;
using AmiAudit.Aws.Ssm;
using AmiAudit.Aws.Store;
using AmiAudit.Core.Model;

namespace AmiAudit.Aws.Tests.Plumbing;

public class ParsingTests
{
    [Theory]
    [InlineData("tag:eks:cluster-name=ml", "tag:eks:cluster-name", "ml")]
    [InlineData("instance-type=m6i.large,c5.xlarge", "instance-type", "m6i.large|c5.xlarge")]
    [InlineData("az=us-east-1a", "availability-zone", "us-east-1a")]
    [InlineData("i-0abc,i-0def", "instance-id", "i-0abc|i-0def")]
    [InlineData("tag:k8s.io/role/node=1", "tag:k8s.io/role/node", "1")]
    public void Filters(string text, string name, string values)
    {
        var f = Ec2Filter.Parse(text);
        f.Name.ShouldBe(name);
        string.Join('|', f.Values).ShouldBe(values);
    }

    [Theory]
    [InlineData("tag:x")]
    [InlineData("=v")]
    [InlineData("name=")]
    public void Bad_filters_say_what_is_expected(string text) =>
        Should.Throw<FormatException>(() => Ec2Filter.Parse(text)).Message.ShouldContain("NAME=VALUE");

    [Theory]
    [InlineData("s3://audit/snap/", "audit", "snap/", true)]
    [InlineData("s3://audit", "audit", "", true)]
    [InlineData("s3://audit/snap/2026-12-02/us-east-1a/i-1.json.gz", "audit", "snap/2026-12-02/us-east-1a/i-1.json.gz", false)]
    public void S3_urls(string text, string bucket, string key, bool prefix)
    {
        var u = S3Uri.Parse(text);
        (u.Bucket, u.Key, u.IsPrefix).ShouldBe((bucket, key, prefix));
    }

    [Theory]
    [InlineData("s3://Audit/x")]
    [InlineData("s3://ab/x")]
    [InlineData("s3://user:pw@bucket/x")]
    [InlineData("s3://bucket/x?X-Amz-Signature=1")]
    public void Bad_s3_urls_are_refused(string text) => Should.Throw<FormatException>(() => S3Uri.Parse(text));

    [Fact]
    public void Store_layout_is_day_zone_instance()
    {
        var s = new Snapshot { Target = new TargetInfo { InstanceId = "i-0abc", AvailabilityZone = "us-east-1a", CollectedAt = new DateTimeOffset(2026, 12, 2, 23, 59, 0, TimeSpan.FromHours(-5)) } };
        SnapshotStore.KeyFor("snap/", s, DateTimeOffset.UnixEpoch).ShouldBe("snap/2026-12-03/us-east-1a/i-0abc.json.gz"); // UTC day
        SnapshotStore.KeyFor("snap", s, DateTimeOffset.UnixEpoch).ShouldBe("snap/2026-12-03/us-east-1a/i-0abc.json.gz");
        var hostile = new Snapshot { Target = new TargetInfo { Hostname = "../../etc/\u001bx", CollectedAt = DateTimeOffset.UnixEpoch } };
        SnapshotStore.KeyFor("", hostile, DateTimeOffset.UnixEpoch).ShouldBe("1970-01-01/unknown-az/_.._etc__x.json.gz");
    }

    [Theory]
    [InlineData("Success", "Success", RunOutcome.Success)]
    [InlineData("Failed", "Failed", RunOutcome.Failed)]
    [InlineData("TimedOut", "ExecutionTimedOut", RunOutcome.TimedOut)]
    [InlineData("TimedOut", "DeliveryTimedOut", RunOutcome.TimedOut)]
    [InlineData("Failed", "Undeliverable", RunOutcome.Undeliverable)]
    [InlineData("TimedOut", "Undeliverable", RunOutcome.Undeliverable)]
    [InlineData("Failed", "Terminated", RunOutcome.Failed)]
    [InlineData("Cancelled", "Canceled", RunOutcome.Cancelled)]
    [InlineData("InProgress", "InProgress", RunOutcome.Pending)]
    [InlineData("Delayed", "Delayed", RunOutcome.Pending)]
    public void Ssm_statuses_map_to_outcomes(string status, string details, RunOutcome expected) =>
        InvocationStatus.Map(status, details).ShouldBe(expected);

    [Fact]
    public void The_first_stderr_line_is_redacted_and_short()
    {
        InvocationStatus.FirstLine("\n  curl: (22) https://b.s3.amazonaws.com/k?X-Amz-Signature=abc123 403\nmore").ShouldBe("curl: (22) https://b.s3.amazonaws.com/k?X-Amz-Signature=REDACTED 403");
        InvocationStatus.FirstLine(new string('x', 500))!.Length.ShouldBe(201);
        InvocationStatus.FirstLine("  \n ").ShouldBeNull();
    }

    [Fact]
    public void Node_command_quotes_everything_it_is_given()
    {
        var lines = NodeCommand.Build("/opt/ami audit/amiaudit", "s3://audit/snap/", ["--label", "team=it's"]);
        var script = string.Join('\n', lines);
        script.ShouldContain("BIN='/opt/ami audit/amiaudit'");
        script.ShouldContain("'team=it'\\''s'");
        script.ShouldContain("exec \"$BIN\" collect --live --out 's3://audit/snap/'");
        var s3 = string.Join('\n', NodeCommand.Build("s3://tools/amiaudit", "s3://audit/snap/", []));
        s3.ShouldContain("aws s3 cp --only-show-errors 's3://tools/amiaudit' \"$WORK/amiaudit\"");
        s3.ShouldNotContain("exec ");
    }

    [Theory]
    [InlineData("us-eest-1", "us-east-1")]
    [InlineData("eu-west-9", "eu-west-1")]
    public void Region_typos_get_a_suggestion(string typo, string suggestion)
    {
        AwsSession.IsKnownRegion(typo).ShouldBeFalse();
        AwsSession.Suggest(typo).ShouldContain(suggestion);
    }

    [Fact]
    public void Throttling_codes_are_recognised() => AwsFailure.IsThrottling("RequestLimitExceeded").ShouldBeTrue();
}
