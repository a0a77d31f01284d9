using AmiAudit.Collectors.Docker;
using AmiAudit.Collectors.Tests.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Redaction;

/// <summary>
/// Issue 8, defect 2: unit ExecStart/ExecStartPre lines, container labels and image references were stored raw by
/// <c>collect</c>. Every discovered collector runs, exactly as <c>amiaudit collect --root</c> runs them.
/// </summary>
public class CollectedSecretsTests
{
    private const string Token = "ghp_R8tmQ2xZk4LwP9vN7cYb3HdF6sJ1aE5gU0oT";
    private const string BootstrapToken = "k3x9qa.7m2pz8w4r1tv6ybn";
    private const string Sig = "9c4e1b7a3f2d8e6c5b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c";
    private const string KeyId = "AKIA4Q7ZR2LX9KW3MB5N";
    private const string AwsSecret = "q7Rk2Lm9Qw/Zt4Vb8NcYp+3Hd6Jf1Sa5Xe0Ug2Ti";
    private const string Bearer = "Wq3nB8xK2mZ7cV4tY9rL1pD6";
    private const string RegistryPassword = "Zq8vLm3xQ7pW";
    private const string LabelSecret = "Lb7Kx2Mq9Zr4";
    private const string CaHash = "sha256:3f9a1c2e7b5d4a6f8e0c1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3";
    private const string Digest = "sha256:0b1c2d3e4f5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4";

    private static readonly string[] Secrets = [Token, BootstrapToken, Sig, KeyId, AwsSecret, Bearer, RegistryPassword, LabelSecret];

    private static TempRoot SeededRoot()
    {
        const string id = "c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4";
        return new TempRoot()
            .Write("/etc/os-release", "ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"Debian 12\"\n")
            .Write("/lib/systemd/system/agent.service", $"""
                [Unit]
                Description=Agent
                [Service]
                ExecStartPre=/usr/bin/curl -fsSL -o /usr/bin/kubelet "https://b.s3.us-west-2.amazonaws.com/kubelet?X-Amz-Credential={KeyId}%2F20240419%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature={Sig}"
                ExecStartPre=/usr/bin/curl -H "Authorization: Bearer {Bearer}" https://api.example.com/register
                ExecStart=/usr/bin/agent --token={Token} --bootstrap-token {BootstrapToken} --aws-secret-access-key {AwsSecret} --discovery-token-ca-cert-hash {CaHash} --authentication-token-webhook=true
                [Install]
                WantedBy=multi-user.target
                """)
            .Write("/lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi-User\n")
            .Symlink("/etc/systemd/system/multi-user.target.wants/agent.service", "/lib/systemd/system/agent.service")
            .Write($"/var/lib/docker/containers/{id}/config.v2.json",
                "{\"ID\":\"" + id + "\",\"Name\":\"/agent\",\"Config\":{\"Image\":\"deploy:" + RegistryPassword + "@registry.example.com/team/agent@" + Digest +
                "\",\"Labels\":{\"com.example.api-key\":\"" + LabelSecret + "\",\"maintainer\":\"team@example.com\",\"command\":\"agent --token=" + Token + "\"}}}")
            .Write($"/var/lib/docker/containers/{id}/hostconfig.json", """{"RestartPolicy":{"Name":"always","MaximumRetryCount":0}}""");
    }

    [Fact]
    public void Exec_lines_labels_and_image_references_are_redacted_where_the_snapshot_is_made()
    {
        using var root = SeededRoot();
        var raw = string.Concat(Directory.GetFiles(root.Dir, "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).LinkTarget is null).Select(File.ReadAllText));
        foreach (var s in Secrets) raw.ShouldContain(s, customMessage: "negative control: the root holds the secret");

        var snapshot = SnapshotCollector.Collect(root.Context());
        var json = SnapshotJson.Serialize(snapshot);

        foreach (var s in Secrets) json.ShouldNotContain(s);
        var unit = snapshot.Systemd.Units.Single(u => u.Name == "agent.service");
        unit.ExecStart.ShouldHaveSingleItem().ShouldContain($"--discovery-token-ca-cert-hash {CaHash} --authentication-token-webhook=true");
        unit.ExecStart[0].ShouldStartWith("/usr/bin/agent --token=REDACTED:");
        var c = snapshot.Containers.ShouldHaveSingleItem();
        c.Image.ShouldBe($"REDACTED@registry.example.com/team/agent@{Digest}");
        c.Labels["com.example.api-key"].ShouldBe("REDACTED");
        c.Labels["maintainer"].ShouldBe("team@example.com");
    }

    [Fact]
    public void The_docker_collector_redacts_labels_and_images_itself()
    {
        // Not only the structural pass: the collector that creates the fact redacts it (defence in depth).
        using var root = SeededRoot();
        var (s, _) = root.Collect(new OnDiskDockerCollector());
        var json = SnapshotJson.SerializeSorted(s, SnapshotJson.Options);
        foreach (var secret in (string[])[RegistryPassword, LabelSecret, Token]) json.ShouldNotContain(secret);
        json.ShouldContain(Digest);
    }
}
