// Seeding moto and reading it back block like the synchronous CLI under test does; no sync context here to deadlock on.
#pragma warning disable xUnit1031
using System.Diagnostics;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>Bad input at the AWS edge, through the real CLI: no credentials, a region typo, a throttling storm.</summary>
[Trait("Category", "RealParts")]
public sealed class PlumbingRealTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public void No_credentials_is_one_line_naming_the_sources_exit_4_and_instant_with_imds_disabled()
    {
        // The built binary with an empty home and no AWS variables: the SDK's own default chain runs for real.
        var home = Directory.CreateTempSubdirectory("amiaudit-nocreds-").FullName;
        var r = Cli.Exec(Cli.Binary, new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = moto.Url,
        }, "collect", "--ec2", "--out", Path.Combine(home, "out"));
        r.ExitCode.ShouldBe(4, r.Error);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, r.Error);
        lines[0].ShouldContain("no AWS credentials found");
        foreach (var source in new[] { "AWS_ACCESS_KEY_ID", "profile 'default'", "web identity", "container credentials", "disabled by AWS_EC2_METADATA_DISABLED" })
            lines[0].ShouldContain(source);
        r.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), "IMDS disabled: nothing may wait on 169.254.169.254");
        Directory.Exists(Path.Combine(home, "out")).ShouldBeFalse();
    }

    [Fact]
    public void A_region_typo_is_a_usage_error_with_a_suggestion()
    {
        var env = moto.Environment();
        env.Remove("AWS_ENDPOINT_URL"); // with an endpoint override any region name goes
        env.Remove("AWS_REGION");
        var r = Cli.Run(env, "collect", "--ec2", "--region", "us-eest-1", "--out", Path.GetTempPath());
        r.ExitCode.ShouldBe(2, r.Error);
        r.Error.ShouldContain("'us-eest-1' is not an AWS region (did you mean us-east-1?)");
        r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);
    }

    [Fact]
    public void A_throttling_storm_keeps_the_partial_inventory_after_bounded_retries_and_exits_4()
    {
        moto.Reset();
        using (var session = moto.Session())
        {
            // moto pages DescribeInstances by reservation: twelve reservations of one instance make three pages of five.
            var fleet = MotoFleet.Create(session.Ec2, perZone: 1).GetAwaiter().GetResult();
            for (var i = 0; i < 5; i++)
            {
                MotoFleet.Launch(session.Ec2, fleet.TemplateA, fleet.SubnetA, 1, "ml").GetAwaiter().GetResult();
                MotoFleet.Launch(session.Ec2, fleet.TemplateB, fleet.SubnetB, 1, "ml").GetAwaiter().GetResult();
            }
        }
        // The first DescribeInstances page is answered; every later one is throttled.
        using var proxy = new FaultProxy(moto.Url, (action, n) => action == "DescribeInstances" && n > 1);
        var env = moto.Environment();
        env["AWS_ENDPOINT_URL"] = proxy.Url;
        env["AMIAUDIT_EC2_PAGE_SIZE"] = "5";
        var dir = Directory.CreateTempSubdirectory("amiaudit-throttle-").FullName;
        var watch = Stopwatch.StartNew();
        var r = Cli.Run(env, "collect", "--ec2", "--out", dir);
        r.ExitCode.ShouldBe(4, r.Error);
        r.Error.ShouldContain("EC2 DescribeInstances: throttled by AWS (RequestLimitExceeded) after 3 retries");
        r.Error.ShouldContain("were written to " + dir + " and kept");
        var written = Directory.GetFiles(dir, "*.json").Length;
        written.ShouldBeGreaterThan(0);
        written.ShouldBeLessThan(12);
        // Bounded: the first attempt plus the SDK's 3 retries, then the run stops.
        proxy.Calls.Count(c => c is { Action: "DescribeInstances", Failed: true }).ShouldBe(4);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Expired_credentials_are_one_line_naming_the_call_and_what_to_do()
    {
        using var proxy = new FaultProxy(moto.Url, (action, _) => action == "DescribeInstances", code: "ExpiredToken", status: 400);
        var env = moto.Environment();
        env["AWS_ENDPOINT_URL"] = proxy.Url;
        var r = Cli.Run(env, "collect", "--ec2", "--out", Directory.CreateTempSubdirectory("amiaudit-expired-").FullName);
        r.ExitCode.ShouldBe(4, r.Error);
        var line = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem();
        line.ShouldStartWith("amiaudit: EC2 DescribeInstances: ExpiredToken:");
        line.ShouldContain("refresh them");
        proxy.Calls.Count(c => c.Action == "DescribeInstances").ShouldBe(1, "a refused credential is not retried");
    }
}
