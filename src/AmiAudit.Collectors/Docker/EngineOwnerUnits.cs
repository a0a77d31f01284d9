using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Docker;

/// <summary>
/// HEURISTIC: which systemd unit creates a container. The Engine API does not record the client
/// that created a container, and by the time we look the creating process may be gone, so the
/// owner is inferred from unit definitions, in this order:
/// <list type="number">
/// <item>name <c>ecs-agent</c> → the unit whose ExecStart/ExecStartPre runs <c>amazon-ecs-init</c>
/// (ecs-init creates exactly that name, node-facts 5.2);</item>
/// <item>any unit whose ExecStart runs docker/podman/nerdctl with <c>--name NAME</c> / <c>--name=NAME</c>.</item>
/// </list>
/// The evidence string says which rule matched; policies must treat OwnerUnit as a hint.
/// </summary>
public static class EngineOwnerUnits
{
    public static (string Unit, string Evidence)? Find(string containerName, IReadOnlyList<UnitFact> units)
    {
        if (containerName.Length == 0) return null;
        var ordered = units.OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
        if (containerName == "ecs-agent")
        {
            var ecs = ordered.FirstOrDefault(u => Commands(u).Any(c => c.Contains("amazon-ecs-init", StringComparison.Ordinal)));
            if (ecs is not null)
                return (ecs.Name, $"heuristic: ecs-init names its agent container ecs-agent; {ecs.Name} runs amazon-ecs-init");
        }
        foreach (var u in ordered)
            foreach (var command in u.ExecStart)
                if (RunsContainerNamed(command, containerName))
                    return (u.Name, $"heuristic: ExecStart of {u.Name} runs a container with --name {containerName}");
        return null;
    }

    private static IEnumerable<string> Commands(UnitFact u) => u.ExecStartPre.Concat(u.ExecStart);

    private static bool RunsContainerNamed(string command, string name)
    {
        var tokens = command.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('"', '\'')).ToList();
        if (!tokens.Any(t => Path.GetFileName(t) is "docker" or "podman" or "nerdctl")) return false;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] == "--name" && i + 1 < tokens.Count && tokens[i + 1] == name) return true;
            if (tokens[i] == "--name=" + name) return true;
        }
        return false;
    }
}
