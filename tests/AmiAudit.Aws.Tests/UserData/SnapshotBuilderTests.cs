using System.Text;
using AmiAudit.Aws.Ec2;
using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Core.Model;
using Amazon.EC2;
using Amazon.EC2.Model;
using Snapshot = AmiAudit.Core.Model.Snapshot;

namespace AmiAudit.Aws.Tests.UserData;

public class SnapshotBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static Instance Instance() => new()
    {
        InstanceId = "i-0abc",
        InstanceType = InstanceType.M6iLarge,
        ImageId = "ami-1",
        Placement = new Placement { AvailabilityZone = "us-east-1a" },
        State = new InstanceState { Name = InstanceStateName.Running },
        Tags = [new Tag("eks:cluster-name", "ml"), new Tag("db-password", "hunter2hunter2"), new Tag("bootstrap", "https://x.example.com/a?X-Amz-Signature=abcd1234")],
        LaunchTime = new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc),
    };

    private static Image Image(string created, string? deprecation = null) => new()
    {
        ImageId = "ami-1",
        Name = "amazon-eks-node-1.29-v20241109",
        OwnerId = "602401143452",
        CreationDate = created,
        DeprecationTime = deprecation,
        EnaSupport = false,
        BootMode = BootModeValues.Uefi,
    };

    [Fact]
    public void One_ec2_snapshot_with_redacted_tags_and_the_ami_age_at_collection()
    {
        var s = SnapshotBuilder.Build(Instance(), Image("2026-09-03T10:00:00.000Z", "2026-12-01T00:00:00.000Z"), "required", null, "us-east-1", Now, "0.1.0");
        s.Target.Kind.ShouldBe("ec2");
        s.Target.InstanceId.ShouldBe("i-0abc");
        s.Target.AvailabilityZone.ShouldBe("us-east-1a");
        s.Ec2!.Instance.TypeEnaSupport.ShouldBe("required");
        s.Ec2.Image!.AgeDays.ShouldBe(90);
        s.Ec2.Image.Deprecated.ShouldBeTrue();
        s.Ec2.Instance.Tags["eks:cluster-name"].ShouldBe("ml");
        s.Ec2.Instance.Tags["db-password"].ShouldBe("REDACTED");
        s.Ec2.Instance.Tags["bootstrap"].ShouldNotContain("abcd1234");
        s.Systemd.Available.ShouldBeFalse("the EC2 API sees no units");
        var json = SnapshotJson.Serialize(s);
        json.ShouldNotContain("hunter2hunter2");
        // Round trip through both readers (the diff's fast reader and the serializer) gives the same snapshot.
        SnapshotJson.Serialize(SnapshotJson.Deserialize(json, "x")).ShouldBe(json);
        AmiAudit.Core.Diff.SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out var fast).ShouldBeTrue();
        SnapshotJson.Serialize(fast!).ShouldBe(json);
    }

    [Fact]
    public void A_missing_ami_and_a_deleted_template_are_diagnostics_not_failures()
    {
        var s = SnapshotBuilder.Build(Instance(), null, null, new LaunchTemplateData("lt-1", null, "3", null, "launch template lt-1 version 3: InvalidLaunchTemplateId.NotFound"), "us-east-1", Now, null);
        s.Ec2!.Image.ShouldBeNull();
        s.Diagnostics.Select(d => d.Code).ShouldBe(["image-not-found", "launch-template-unavailable"]);
        s.Ec2.LaunchTemplate!.Version.ShouldBe("3");
    }

    [Fact]
    public void Ec2_facts_become_diff_keys_and_ids_stay_out()
    {
        var ud = UserDataInspector.Inspect(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes("#!/bin/sh\necho hi\n"))), "user-data", "launch-template", "ec2");
        var s = SnapshotBuilder.Build(Instance(), Image("2026-09-03T10:00:00.000Z"), "required", new LaunchTemplateData("lt-1", "nodes", "3", ud, null), "us-east-1", Now, null);
        var keys = AmiAudit.Core.Diff.FactFlattener.Flatten(s, new AmiAudit.Core.Diff.DiffOptions());
        keys["ec2/image/name"].ShouldBe("amazon-eks-node-1.29-v20241109");
        keys["ec2/image/enaSupport"].ShouldBe("false");
        keys["ec2/instance/instanceType"].ShouldBe("m6i.large");
        keys["ec2/userData/sha256"].ShouldBe(ud.Fact.Sha256);
        keys.Keys.ShouldNotContain(k => k.Contains("i-0abc") || k.Contains("lt-1"));
    }
}
