using System.Text.Json;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>fleet collect --ssm: targets resolved from moto's EC2, SendCommand/ListCommandInvocations orchestrated
/// against moto's SSM (everything succeeds there) and a scripted SSM (the failures moto cannot produce).</summary>
[Trait("Category", "RealParts")]
public sealed class SsmFleetRealTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private MotoFleet Fleet()
    {
        moto.Reset();
        using var session = moto.Session();
        return MotoFleet.Create(session.Ec2).GetAwaiter().GetResult();
    }

    private static readonly string[] FleetArgs = ["fleet", "collect", "--ssm", "--target", "tag:eks:cluster-name=ml", "--out", "s3://audit/snap/", "--poll-interval", "50ms", "--format", "json"];

    private static Dictionary<string, JsonElement> Outcomes(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("instances").EnumerateArray().ToDictionary(i => i.GetProperty("instanceId").GetString()!, i => i);

    [Fact]
    public void Against_moto_every_instance_succeeds_and_the_run_exits_0()
    {
        var fleet = Fleet();
        var r = Cli.Run(moto.Environment(), FleetArgs);
        r.ExitCode.ShouldBe(0, r.Error);
        var outcomes = Outcomes(r.Out);
        outcomes.Keys.Order(StringComparer.Ordinal).ShouldBe(fleet.InstancesA.Concat(fleet.InstancesB).Order(StringComparer.Ordinal));
        outcomes.Values.ShouldAllBe(i => i.GetProperty("outcome").GetString() == "success");
        // moto answers neither ListCommandInvocations nor DescribeInstanceInformation: the fallbacks are said.
        r.Error.ShouldContain("GetCommandInvocation per instance");
    }

    [Fact]
    public void Failures_are_mapped_per_instance_listed_and_exit_1()
    {
        var fleet = Fleet();
        var (a1, a2) = (fleet.InstancesA[0], fleet.InstancesA[1]);
        var (b1, b2) = (fleet.InstancesB[0], fleet.InstancesB[1]);
        using var ssm = new FakeSsm(new()
        {
            [a1] = new("Success", "Success"),
            [a2] = new("Failed", "Failed", "\ncurl: (22) The requested URL returned error: 403 https://bucket.s3.amazonaws.com/amiaudit?X-Amz-Signature=0123456789abcdef\nsecond line", 1),
            [b1] = new("Failed", "Undeliverable"),
            [b2] = new("Success", "Success"),
        }, managed: [a1, a2, b1]);
        var env = moto.Environment();
        env["AWS_ENDPOINT_URL_SSM"] = ssm.Url;
        var r = Cli.Run(env, FleetArgs);
        r.ExitCode.ShouldBe(1, r.Error);
        var o = Outcomes(r.Out);
        o[a1].GetProperty("outcome").GetString().ShouldBe("success");
        o[a2].GetProperty("outcome").GetString().ShouldBe("failed");
        o[a2].GetProperty("detail").GetString()!.ShouldStartWith("curl: (22)");
        o[a2].GetProperty("detail").GetString()!.ShouldNotContain("0123456789abcdef");
        o[b1].GetProperty("outcome").GetString().ShouldBe("undeliverable");
        o[b2].GetProperty("outcome").GetString().ShouldBe("noagent"); // not a managed node: never sent
        r.Error.ShouldContain($"3 of 4 instances did not collect");
        r.Error.ShouldContain($"{a2} (Failed)");
        // Tag-only targets go to SSM as the tag (MaxConcurrency/MaxErrors then apply fleet-wide), with the node
        // script and the store prefix.
        var sent = ssm.Sent.ShouldHaveSingleItem();
        sent["Targets"]![0]!["Key"]!.GetValue<string>().ShouldBe("tag:eks:cluster-name");
        sent["DocumentName"]!.GetValue<string>().ShouldBe("AWS-RunShellScript");
        sent["MaxConcurrency"]!.GetValue<string>().ShouldBe("10%");
        string.Join('\n', sent["Parameters"]!["commands"]!.AsArray().Select(c => c!.GetValue<string>())).ShouldContain("collect --live --out 's3://audit/snap/'");
        ssm.Calls.Count(c => c == "ListCommandInvocations").ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void When_no_instance_succeeds_the_run_exits_4()
    {
        var fleet = Fleet();
        using var ssm = new FakeSsm(fleet.InstancesA.ToDictionary(i => i, _ => new FakeSsm.Script("TimedOut", "ExecutionTimedOut")), managed: fleet.InstancesA);
        var env = moto.Environment();
        env["AWS_ENDPOINT_URL_SSM"] = ssm.Url;
        string[] args = [.. FleetArgs];
        args[Array.IndexOf(args, "tag:eks:cluster-name=ml")] = "availability-zone=us-east-1a";
        var r = Cli.Run(env, args);
        r.ExitCode.ShouldBe(4, r.Error);
        var o = Outcomes(r.Out);
        o.Keys.Order(StringComparer.Ordinal).ShouldBe(fleet.InstancesA);
        o.Values.ShouldAllBe(i => i.GetProperty("outcome").GetString() == "timedout");
        // Not a tag target: the instance ids themselves are sent.
        ssm.Sent.ShouldHaveSingleItem()["InstanceIds"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal).ShouldBe(fleet.InstancesA);
    }
}
