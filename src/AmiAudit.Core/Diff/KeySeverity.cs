using AmiAudit.Core.Evaluation;

namespace AmiAudit.Core.Diff;

/// <summary>
/// How much a difference in a key matters, before knowing how consistent it is. The weights encode the
/// incident's lesson: whether a node agent is enabled, whether bootstrap succeeded, where kubelet came from
/// and what the health probes read matter far more than a package version.
/// </summary>
public static class KeySeverity
{
    /// <summary>Units whose state decides what runs on a node (agents, bootstrap, runtimes).</summary>
    private static readonly string[] AgentMarkers =
        ["ecs", "kubelet", "containerd", "docker", "ssm-agent", "cloudwatch", "nodeadm", "bootstrap", "cloud-init", "cloud-final", "cloud-config"];

    private static readonly string[] CriticalBinaries = ["kubelet", "kubectl", "containerd", "amazon-ecs-init", "docker", "dockerd"];

    public static bool IsAgent(string unitOrContainer) =>
        AgentMarkers.Any(m => unitOrContainer.Contains(m, StringComparison.OrdinalIgnoreCase));

    public static Severity Of(FactKey key, bool healthImpact) => key.Kind switch
    {
        "unit" => key.Attribute switch
        {
            "unitFileState" or "startsAtBoot" => IsAgent(key.Subject) ? Severity.High : Severity.Medium,
            "activeState" or "restarts" => healthImpact || IsAgent(key.Subject) ? Severity.High : Severity.Medium,
            "fragmentPath" => Severity.Low,
            _ => Severity.Medium, // dependency lists, ExecStart*, conditions, drop-ins
        },
        "container" => key.Attribute switch
        {
            "restartRate" or "state" => healthImpact ? Severity.High : Severity.Medium,
            "image" => Severity.Medium,
            _ => Severity.Low,
        },
        "bootstrap" => key.Subject == "cloudInit" ? Severity.High
            : key.Subject == "url" && key.Attribute is "kubelet" or "containerd" or "ecs" ? Severity.High
            : Severity.Medium,
        "script" => Severity.Medium,
        "binary" => CriticalBinaries.Contains(Path.GetFileName(key.Subject)) ? Severity.High : Severity.Medium,
        "probe" => healthImpact ? Severity.Critical : Severity.High,
        "package" => Severity.Low,
        "os" => key.Attribute == "kernel" ? Severity.Medium : Severity.Low,
        "target" => Severity.Medium,
        "systemd" => Severity.Medium,
        // EC2 inventory: a different AMI or user data between zones is what a pre-rollout diff is for.
        "ec2" => key.Subject is "image" or "userData" ? Severity.Medium : Severity.Low,
        _ => Severity.Low,
    };

    /// <summary>1, 2, 4, 8, 16 for info … critical: a critical divergence outranks any number of low ones' scores.</summary>
    public static double Weight(Severity s) => 1 << (int)s;

    /// <summary>
    /// Is this value the sick one? Failed units, enabled units that are not running, crash-loop rates, high
    /// probe bands and a cloud-init error are; a missing reading never is.
    /// </summary>
    public static bool IsUnhealthy(FactKey key, string value, SideAccumulator side)
    {
        switch (key.Kind, key.Attribute)
        {
            case ("unit", "activeState"):
                if (value == "failed") return true;
                return value is "inactive" or FactKey.Absent && ExpectedRunning(key.Subject, side);
            case ("unit", "restarts"):
            case ("container", "restartRate"):
                return Bands.IsHighRate(value);
            case ("container", "state"):
                return value is "restarting" or "exited" or "dead";
            case ("probe", _):
                return !Bands.IsHealthy(value);
            case ("bootstrap", "status"):
                return value == "error";
            default:
                return false;
        }
    }

    /// <summary>An enabled unit that starts at boot but is not active on this side (it was expected to run).</summary>
    public static bool ExpectedRunning(string unit, SideAccumulator side) =>
        side.Mode(FactKey.Make("unit", unit, "startsAtBoot")) == "true"
        && side.Mode(FactKey.Make("unit", unit, "unitFileState")) is "enabled" or "enabled-runtime";

    /// <summary>Keys that record an outcome (something happened or not), as opposed to configuration.</summary>
    public static bool IsOutcome(FactKey key) => (key.Kind, key.Attribute) switch
    {
        ("unit", "activeState" or "restarts") => true,
        ("container", "state" or "restartRate") => true,
        ("probe", _) => true,
        ("bootstrap", "status") => true,
        _ => false,
    };
}
