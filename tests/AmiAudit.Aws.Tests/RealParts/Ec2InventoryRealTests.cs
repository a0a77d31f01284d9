// Seeding moto and reading it back block like the synchronous CLI under test does; no sync context here to deadlock on.
#pragma warning disable xUnit1031
using AmiAudit.Aws.Ec2;
using AmiAudit.Core.Model;

namespace AmiAudit.Aws.Tests.RealParts;

/// <summary>EC2 inventory against moto: two zones, two launch templates differing only in the kubelet URL.</summary>
[Trait("Category", "RealParts")]
public sealed class Ec2InventoryRealTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private (MotoFleet Fleet, Dictionary<string, string> Env) Fleet(int perZone = 2)
    {
        moto.Reset();
        using var session = moto.Session();
        var fleet = MotoFleet.Create(session.Ec2, perZone).GetAwaiter().GetResult();
        return (fleet, moto.Environment());
    }

    [Fact]
    public void Collect_ec2_writes_one_snapshot_per_instance_with_ami_template_and_decoded_user_data()
    {
        var (fleet, env) = Fleet();
        var dir = Directory.CreateTempSubdirectory("amiaudit-ec2-").FullName;
        var r = Cli.Run(env, "collect", "--ec2", "--filter", "tag:eks:cluster-name=ml", "--out", dir);
        r.ExitCode.ShouldBe(0, r.Error);
        var files = Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal).ToList();
        files.Select(Path.GetFileNameWithoutExtension).ShouldBe(fleet.InstancesA.Concat(fleet.InstancesB).Order(StringComparer.Ordinal));
        var text = File.ReadAllText(files[0]);
        text.ShouldNotContain("deadbeefdeadbeef"); // the signature in the user data's URL never reaches the snapshot
        var snapshot = SnapshotJson.Deserialize(text, files[0]);
        snapshot.Target.Kind.ShouldBe("ec2");
        snapshot.Ec2!.Image!.ImageId.ShouldBe(fleet.ImageId);
        snapshot.Ec2.Image.Name.ShouldBe("amazon-eks-node-1.29-v20241120");
        snapshot.Ec2.Instance.TypeEnaSupport.ShouldBe("required");
        snapshot.Ec2.LaunchTemplate!.Id.ShouldBeOneOf(fleet.TemplateA, fleet.TemplateB);
        snapshot.Ec2.UserData!.Encodings.ShouldBe(["base64", "shell"]);
        var url = snapshot.Bootstrap.Urls.ShouldHaveSingleItem();
        url.Purpose.ShouldBe("kubelet");
        url.Normalized.ShouldBe(fleet.InstancesA.Contains(snapshot.Target.InstanceId!) ? MotoFleet.KubeletA : MotoFleet.KubeletB);
        snapshot.Bootstrap.Scripts.ShouldHaveSingleItem().StartsUnits.ShouldBe(["kubelet.service"]);
    }

    [Fact]
    public void Ec2_zone_diff_explains_the_kubelet_url_divergence()
    {
        Fleet();
        var r = Cli.Run(moto.Environment(), "diff", "ec2:us-east-1a", "ec2:us-east-1b", "--filter", "tag:eks:cluster-name=ml", "--format", "json");
        r.ExitCode.ShouldBe(0, r.Error);
        r.Out.ShouldContain(MotoFleet.KubeletA);
        r.Out.ShouldContain(MotoFleet.KubeletB);
        r.Out.ShouldNotContain("deadbeefdeadbeef");
        var console = Cli.Run(moto.Environment(), "diff", "ec2:us-east-1a", "ec2:us-east-1b", "--filter", "tag:eks:cluster-name=ml");
        console.ExitCode.ShouldBe(0, console.Error);
        console.Out.ShouldContain("kubelet");
    }

    [Fact]
    public void Zone_selection_by_subnet_and_by_placement_agree_and_pages_are_followed()
    {
        var (fleet, _) = Fleet(perZone: 1);
        using var session = moto.Session();
        // moto pages DescribeInstances by reservation: one reservation per instance, so page size 5 means pages.
        var zoneB = new List<string>(fleet.InstancesB);
        for (var i = 0; i < 6; i++)
        {
            MotoFleet.Launch(session.Ec2, fleet.TemplateA, fleet.SubnetA, 1, "ml").GetAwaiter().GetResult();
            zoneB.AddRange(MotoFleet.Launch(session.Ec2, fleet.TemplateB, fleet.SubnetB, 1, "ml").GetAwaiter().GetResult());
        }
        zoneB.Sort(StringComparer.Ordinal);
        List<string> Ids(bool clientSide)
        {
            var inventory = new Ec2Inventory(session);
            var ids = new List<string>();
            Task.Run(async () =>
            {
                await foreach (var s in inventory.CollectAsync(new InventoryRequest { AvailabilityZone = "us-east-1b", ZoneClientSideOnly = clientSide, PageSize = 5, Now = DateTimeOffset.UtcNow }, CancellationToken.None))
                    ids.Add(s.Target.InstanceId!);
            }).GetAwaiter().GetResult();
            inventory.Pages.ShouldBeGreaterThan(1, "moto pages by reservation; a page size of 5 must still reach every instance");
            return [.. ids.Order(StringComparer.Ordinal)];
        }
        Ids(clientSide: false).ShouldBe(zoneB);
        Ids(clientSide: true).ShouldBe(zoneB);
    }

    [Fact]
    public void Scan_of_an_ec2_snapshot_judges_the_ami_rules()
    {
        var (fleet, env) = Fleet(perZone: 1);
        var dir = Directory.CreateTempSubdirectory("amiaudit-ec2-scan-").FullName;
        Cli.Run(env, "collect", "--ec2", "--out", dir).ExitCode.ShouldBe(0);
        var file = Path.Combine(dir, fleet.InstancesA[0] + ".json");
        var r = Cli.Run(env, "scan", "--snapshot", file, "--format", "json", "--fail-on", "critical");
        // moto's AMIs are owned by 123456789012 and carry no EnaSupport on an ENA-required m5.large.
        r.Out.ShouldContain("\"AMI-001\"");
        r.Out.ShouldContain("\"AMI-004\"");
        var failed = System.Text.Json.JsonDocument.Parse(r.Out).RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("status").GetString() == "fail").Select(f => f.GetProperty("ruleId").GetString()).ToHashSet();
        failed.ShouldContain("AMI-001");
        failed.ShouldContain("AMI-004");
        failed.ShouldNotContain("AMI-002"); // the name is an EKS node AMI's
        failed.ShouldNotContain("AMI-003"); // created just now
        r.ExitCode.ShouldBe(1, r.Error);
    }
}
