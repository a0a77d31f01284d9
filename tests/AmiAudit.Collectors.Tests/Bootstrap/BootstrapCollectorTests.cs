using System.Security.Cryptography;
using System.Text;
using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Collectors.Tests.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Bootstrap;

public class BootstrapCollectorTests
{
    private const string ZoneA = AmiAudit.Testing.NodeFactsSamples.EksUserDataZoneA;

    // node-facts 7.9 T-EKS-06
    private const string Mime = """
        Content-Type: multipart/mixed; boundary="==BOUNDARY=="
        MIME-Version: 1.0

        --==BOUNDARY==
        Content-Type: text/cloud-config; charset="us-ascii"

        runcmd:
          - [ sh, -c, "curl -fsSL -o /usr/bin/kubelet https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet" ]
          - [ systemctl, enable, kubelet ]

        --==BOUNDARY==
        Content-Type: text/x-shellscript; charset="us-ascii"

        #!/bin/bash
        /etc/eks/bootstrap.sh my-cluster
        curl -o /tmp/x https://example.com/tool
        --==BOUNDARY==--

        """;

    [Fact]
    public void User_data_script_gives_hash_urls_and_started_units()
    {
        using var root = new TempRoot().Write("/var/lib/cloud/instances/i-0abc/user-data.txt", ZoneA)
            .Symlink("/var/lib/cloud/instance", "/var/lib/cloud/instances/i-0abc");

        var (s, _) = root.Collect(new BootstrapCollector());

        // instance → instances/i-0abc is one file, recorded once under the canonical name.
        var script = s.Bootstrap.Scripts.ShouldHaveSingleItem();
        script.Path.ShouldBe("/var/lib/cloud/instance/user-data.txt");
        script.Kind.ShouldBe("user-data");
        script.Size.ShouldBe(Encoding.UTF8.GetByteCount(ZoneA));
        script.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ZoneA))));
        script.StartsUnits.ShouldBe(["ecs.service"]);

        s.Bootstrap.Urls.Select(u => (u.Line, u.Purpose, u.S3Bucket, u.Source)).ShouldBe(
        [
            (3, "kubelet", "amazon-eks", "/var/lib/cloud/instance/user-data.txt"),
            (5, "kubelet", "amazon-eks", "/var/lib/cloud/instance/user-data.txt"),
        ]);
    }

    [Fact]
    public void Mime_user_data_is_split_and_line_numbers_point_into_the_file()
    {
        using var root = new TempRoot().Write("/var/lib/cloud/instance/user-data.txt", Mime);

        var (s, _) = root.Collect(new BootstrapCollector());

        var urls = s.Bootstrap.Urls;
        urls.Select(u => (u.Line, u.Purpose, u.Host)).ShouldBe(
        [
            (8, "kubelet", "amazon-eks.s3.us-west-2.amazonaws.com"),
            (16, "other", "example.com"),
        ]);
        s.Bootstrap.Scripts.ShouldHaveSingleItem().StartsUnits.ShouldBe(["kubelet.service"]);
    }

    [Fact]
    public void Base64_mime_parts_are_decoded()
    {
        var script = Convert.ToBase64String(Encoding.UTF8.GetBytes("#!/bin/sh\nwget https://dl.k8s.io/release/v1.29.3/bin/linux/amd64/kubelet\nsystemctl start containerd.service\n"));
        var doc = $"Content-Type: multipart/mixed; boundary=XYZ\n\n--XYZ\nContent-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n{script}\n--XYZ--\n";
        using var root = new TempRoot().Write("/var/lib/cloud/instance/user-data.txt", doc);

        var (s, _) = root.Collect(new BootstrapCollector());

        s.Bootstrap.Urls.ShouldHaveSingleItem().Host.ShouldBe("dl.k8s.io");
        s.Bootstrap.Scripts.Single().StartsUnits.ShouldBe(["containerd.service"]);
    }

    [Fact]
    public void Reads_cloud_init_scripts_eks_bootstrap_and_rc_local_with_their_kinds()
    {
        using var root = new TempRoot()
            .Write("/var/lib/cloud/instance/scripts/part-001", "#!/bin/bash\nsystemctl restart docker\n")
            .Write("/var/lib/cloud/scripts/per-boot/10-mirror.sh", "curl https://mirror.internal/kubectl\n")
            .Write("/var/lib/cloud/scripts/per-once/x", "echo\n")
            .Write("/etc/eks/bootstrap.sh", "#!/usr/bin/env bash\nsystemctl daemon-reload\nsystemctl enable kubelet\nsystemctl start kubelet\n")
            .Write("/etc/rc.local", "#!/bin/sh\nexit 0\n");

        var (s, _) = root.Collect(new BootstrapCollector());

        s.Bootstrap.Scripts.OrderBy(x => x.Path, StringComparer.Ordinal).Select(x => (x.Path, x.Kind, string.Join(",", x.StartsUnits))).ShouldBe(
        [
            ("/etc/eks/bootstrap.sh", "eks-bootstrap", "kubelet.service"),
            ("/etc/rc.local", "rc-local", ""),
            ("/var/lib/cloud/instance/scripts/part-001", "cloud-init-script", "docker.service"),
            ("/var/lib/cloud/scripts/per-boot/10-mirror.sh", "cloud-init-script", ""),
            ("/var/lib/cloud/scripts/per-once/x", "cloud-init-script", ""),
        ]);
        s.Bootstrap.Urls.ShouldHaveSingleItem().Purpose.ShouldBe("kubectl");
    }

    [Fact]
    public void Scripts_run_by_enabled_units_are_read_and_record_which_units_run_them()
    {
        using var root = new TempRoot()
            .Write("/opt/node/setup", "#!/bin/bash\ncurl -o /usr/bin/kubelet https://storage.googleapis.com/kubernetes-release/release/v1.29.3/bin/linux/amd64/kubelet\n")
            .Write("/opt/node/pre.sh", "systemctl enable --now ecs.service\n")
            .WriteBytes("/usr/bin/agent", [0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2])
            .Write("/opt/disabled.sh", "curl https://never.example/x\n");
        var units = new SystemdFacts
        {
            Units =
            [
                new UnitFact { Name = "node-setup.service", UnitFileState = "enabled", ExecStartPre = ["-/bin/bash /opt/node/pre.sh"], ExecStart = ["/opt/node/setup --flag"] },
                new UnitFact { Name = "other.service", UnitFileState = "static", StartsAtBoot = true, ExecStart = ["@/opt/node/setup setup"] },
                new UnitFact { Name = "agent.service", UnitFileState = "enabled", ExecStart = ["/usr/bin/agent run"] },
                new UnitFact { Name = "inline.service", UnitFileState = "enabled", FragmentPath = "/etc/systemd/system/inline.service",
                               ExecStart = ["/bin/sh -c 'curl -fsSL https://amazon-eks.s3.amazonaws.com/1.29.0/2024-01-04/bin/linux/amd64/kubectl -o /usr/bin/kubectl'"] },
                new UnitFact { Name = "off.service", UnitFileState = "disabled", ExecStart = ["/opt/disabled.sh"] },
            ],
        };

        var (s, _) = root.Collect(new BootstrapCollector(), new Snapshot { Systemd = units });

        var scripts = s.Bootstrap.Scripts.ToDictionary(x => x.Path);
        scripts.Keys.Order(StringComparer.Ordinal).ShouldBe(["/opt/node/pre.sh", "/opt/node/setup"]);
        scripts["/opt/node/setup"].ReferencedBy.Order(StringComparer.Ordinal).ShouldBe(["node-setup.service", "other.service"]);
        scripts["/opt/node/setup"].Kind.ShouldBe("unit-exec");
        scripts["/opt/node/pre.sh"].StartsUnits.ShouldBe(["ecs.service"]);
        s.Bootstrap.Urls.Select(u => (u.Source, u.Purpose)).Order().ShouldBe(
        [
            ("/etc/systemd/system/inline.service", "kubectl"),
            ("/opt/node/setup", "kubelet"),
        ]);
    }

    [Fact]
    public void Cloud_init_result_with_errors_is_error_and_errors_are_kept()
    {
        // node-facts 7.10 T-CI-03
        using var root = new TempRoot().Write("/run/cloud-init/result.json",
            """{"v1": {"datasource": "DataSourceEc2Local", "errors": ["('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))"]}}""");

        var outcome = root.Collect(new BootstrapCollector()).Snapshot.Bootstrap.CloudInit.ShouldNotBeNull();

        outcome.Status.ShouldBe("error");
        outcome.Datasource.ShouldBe("DataSourceEc2Local");
        outcome.Errors.ShouldBe(["('scripts_user', RuntimeError('Runparts: 1 failures (part-001) in 1 attempted commands'))"]);
        outcome.Source.ShouldBe("/run/cloud-init/result.json");
    }

    [Fact]
    public void Cloud_init_status_without_result_is_running()
    {
        // node-facts 7.10 T-CI-04
        using var root = new TempRoot().Write("/var/lib/cloud/data/status.json", """
            {"v1": {"datasource": "DataSourceEc2Local",
                    "init-local": {"errors": [], "recoverable_errors": {}, "start": 4.21, "finished": 4.88},
                    "init": {"errors": [], "recoverable_errors": {}, "start": 6.02, "finished": 7.95},
                    "modules-config": {"errors": [], "recoverable_errors": {}, "start": 9.11, "finished": 10.40},
                    "modules-final": {"errors": [], "recoverable_errors": {}, "start": 10.92, "finished": null},
                    "stage": "modules-final"}}
            """);
        var outcome = root.Collect(new BootstrapCollector()).Snapshot.Bootstrap.CloudInit!;
        (outcome.Status, outcome.Source, outcome.Errors.Count).ShouldBe(("running", "/var/lib/cloud/data/status.json", 0));
    }

    [Fact]
    public void Old_epoch_format_status_with_result_is_done()
    {
        using var root = new TempRoot()
            .Write("/var/lib/cloud/data/status.json", """{"v1": {"datasource": "DataSourceEc2", "init": {"errors": [], "start": 1525204560.36, "finished": 1525204562.76}, "stage": null}}""")
            .Write("/var/lib/cloud/data/result.json", """{"v1": {"datasource": "DataSourceEc2", "errors": []}}""");
        var outcome = root.Collect(new BootstrapCollector()).Snapshot.Bootstrap.CloudInit!;
        (outcome.Status, outcome.Datasource, outcome.Source).ShouldBe(("done", "DataSourceEc2", "/var/lib/cloud/data/result.json"));
    }

    [Fact]
    public void No_outcome_files_is_not_run_and_a_corrupt_one_is_unknown()
    {
        using (var empty = new TempRoot())
            empty.Collect(new BootstrapCollector()).Snapshot.Bootstrap.CloudInit!.Status.ShouldBe("not-run");

        using var root = new TempRoot().Write("/var/lib/cloud/data/result.json", "{\"v1\": {\"errors\": [");
        var (s, ctx) = root.Collect(new BootstrapCollector());
        s.Bootstrap.CloudInit!.Status.ShouldBe("unknown");
        ctx.Fs.Diagnostics.ShouldContain(d => d.Source == "bootstrap" && d.Code == "unparseable" && d.Path == "/var/lib/cloud/data/result.json");
    }

    [Fact]
    public void Cloud_init_errors_are_redacted()
    {
        using var root = new TempRoot().Write("/var/lib/cloud/data/result.json",
            """{"v1": {"datasource": null, "errors": ["('runcmd', ProcessExecutionError('curl https://b.s3.amazonaws.com/k?X-Amz-Signature=SECRETSIG123 --token tok123'))"]}}""");
        var error = root.Collect(new BootstrapCollector()).Snapshot.Bootstrap.CloudInit!.Errors.ShouldHaveSingleItem();
        error.ShouldNotContain("SECRETSIG123");
        error.ShouldNotContain("tok123");
        error.ShouldContain("X-Amz-Signature=REDACTED");
    }

    [Theory]
    [InlineData("systemctl enable --now ecs", "ecs.service")]
    [InlineData("sudo /usr/bin/systemctl -q start docker.socket kubelet && echo ok", "docker.socket,kubelet.service")]
    [InlineData("systemctl daemon-reload; systemctl enable kubelet; systemctl start kubelet", "kubelet.service")]
    [InlineData("  - [ systemctl, restart, 'containerd' ]", "containerd.service")]
    [InlineData("systemctl disable ecs", "")]
    [InlineData("# systemctl enable ecs", "")]
    [InlineData("systemctl enable \"$UNIT\"", "")]
    [InlineData("mysystemctl enable ecs", "")]
    [InlineData("systemctl start foo@bar.service >/dev/null 2>&1", "foo@bar.service")]
    public void Finds_units_a_script_enables_or_starts(string line, string expected)
    {
        string.Join(",", SystemctlStarts.Find(line)).ShouldBe(expected);
    }
}
