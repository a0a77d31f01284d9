namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// Which Exec*= commands of a service can make it fail at start, judged by their own rules
/// (systemd.service(5), src/core/service.c, src/core/execute.c):
/// <list type="bullet">
/// <item>ExecCondition= runs first: an exit status 1–254 skips the unit without failing it, and a
/// missing executable exits 203 (EXIT_EXEC), so it is a skip, not a failure; an executable that is
/// there decides only at boot.</item>
/// <item>ExecStartPre=, ExecStart=, ExecStartPost=: a missing or non-executable program (or a script
/// whose "#!" interpreter is missing) fails the unit with 203/EXEC — unless the command carries "-",
/// whose failure systemd records and ignores ("Executable … missing, skipping").</item>
/// <item>ExecStop=, ExecStopPost=, ExecReload= do not run at start.</item>
/// </list>
/// A program name without "/" is looked up in DEFAULT_PATH when the command runs; a path with a
/// specifier the image cannot tell (%H, %m …) is not judged.
/// </summary>
internal sealed class ExecCheck(PathProbe probe)
{
    /// <summary>Programs whose absence fails the unit: missing, not executable, or a missing interpreter.</summary>
    public List<string> FailingExecutables(LoadedUnit unit, SpecifierContext context, string? kernel)
    {
        List<string>? missing = null;
        foreach (var setting in (string[])["ExecStartPre", "ExecStart", "ExecStartPost"])
        {
            if (!unit.Commands.TryGetValue(setting, out var commands)) continue;
            foreach (var command in commands)
            {
                if (command.IgnoresFailure) continue;
                if (Problem(command, unit.Name, context, kernel) is { } culprit && !(missing ??= []).Contains(culprit)) missing.Add(culprit);
            }
        }
        return missing ?? [];
    }

    /// <summary>What ExecCondition= decides offline: false (a command that is not "-" cannot run: the unit is skipped),
    /// unknown (its commands run at boot and decide), true (none, or all "-"); null without ExecCondition=.</summary>
    public (Tri Result, string? Note)? ExecCondition(LoadedUnit unit, SpecifierContext context, string? kernel)
    {
        if (unit.ExecCondition.Count == 0 || !unit.Commands.TryGetValue("ExecCondition", out var commands)) return null;
        string? decidesAtBoot = null;
        foreach (var command in commands)
        {
            if (command.IgnoresFailure) continue;
            if (Problem(command, unit.Name, context, kernel) is { } culprit)
                return (Tri.False, $"ExecCondition={command.Line}: {culprit} cannot be executed; systemd skips the unit (exit 203 counts as \"condition not met\")");
            decidesAtBoot ??= $"ExecCondition={command.Line}: unknown (the command decides at boot)";
        }
        return decidesAtBoot is null ? (Tri.True, null) : (Tri.Unknown, decidesAtBoot);
    }

    /// <summary>The program (or interpreter) that would make execve() fail, or null when it would run or cannot be judged.</summary>
    private string? Problem(ExecCommand command, string unitName, SpecifierContext context, string? kernel)
    {
        if (Specifiers.TryExpand(command.RawPath, unitName, context, kernel, out var path, out _) != Specifiers.Outcome.Ok) return null;
        if (!path.StartsWith('/'))
            return probe.Search(path) is null ? path : null;
        var (state, culprit) = probe.Executable(AmiAudit.Collectors.RootFs.RootFileSystem.Normalize(path));
        return state == ExecutableState.Ok ? null : culprit;
    }
}
