using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Systemd;

/// <summary>Three-valued truth: what the image decides, or that only the booting machine can.</summary>
internal enum Tri
{
    False,
    True,
    Unknown,
}

/// <summary>The evaluated Condition*= (or Assert*=) list of one unit.</summary>
internal sealed record ConditionVerdict(Tri Result, List<string> Notes);

/// <summary>
/// Evaluates a unit's Condition*= and Assert*= settings offline, the way condition_test_list()
/// (src/shared/condition.c) does at boot: every non-trigger condition must hold, and if there are
/// "|" trigger conditions at least one of them must; "!" negates; a test that errors is false.
/// What the image decides (files, kernels, architecture, os-release, PID 1 being root) is decided;
/// what the machine decides at boot (virtualization, capabilities, kernel command line, host name,
/// anything under /run, /proc, /sys, /dev or a mount point) is <see cref="Tri.Unknown"/>, with a note
/// saying why. %v is the image's kernel release: with several kernels the whole list is evaluated
/// for each, and a result that differs between them is unknown (the kernel that boots decides).
/// </summary>
internal sealed class ConditionEvaluator(PathProbe probe, ImageFacts image)
{
    private static readonly Dictionary<string, string> AtBoot = new(StringComparer.Ordinal)
    {
        ["Virtualization"] = "the machine it boots on decides: VM, container or bare metal",
        ["Host"] = "the host name and machine ID are set at boot",
        ["KernelCommandLine"] = "the boot loader's kernel command line decides",
        ["Security"] = "the security modules of the running kernel decide",
        ["Capability"] = "the capabilities PID 1 is given decide; a container gets fewer",
        ["ACPower"] = "the machine's power supply decides",
        ["NeedsUpdate"] = "compares /usr with /etc/.updated or /var/.updated at boot",
        ["FirstBoot"] = "true on the image's first boot only",
        ["PathIsMountPoint"] = "mounts are made at boot",
        ["PathIsReadWrite"] = "how file systems are mounted is decided at boot",
        ["PathIsEncrypted"] = "the block devices of the machine decide",
        ["ControlGroupController"] = "the running kernel's cgroup controllers decide",
        ["Memory"] = "the machine's memory decides",
        ["CPUs"] = "the machine's CPUs decide",
        ["CPUFeature"] = "the machine's CPU decides",
        ["Firmware"] = "the machine's firmware decides",
        ["Environment"] = "PID 1's environment decides",
        ["Credential"] = "credentials passed in at boot decide",
        ["MemoryPressure"] = "the pressure at boot decides",
        ["CPUPressure"] = "the pressure at boot decides",
        ["IOPressure"] = "the pressure at boot decides",
        ["KernelModuleLoaded"] = "the running kernel decides",
    };

    private static readonly HashSet<string> PathTypes = new(StringComparer.Ordinal)
    {
        "PathExists", "PathExistsGlob", "PathIsDirectory", "PathIsSymbolicLink", "PathIsMountPoint",
        "PathIsReadWrite", "PathIsEncrypted", "DirectoryNotEmpty", "FileNotEmpty", "FileIsExecutable", "NeedsUpdate",
    };

    private sealed record Parsed(string Line, string Type, bool Trigger, bool Negate, string Parameter);

    /// <summary>Evaluates "ConditionX=…" (or "AssertX=…") lines of <paramref name="unitName"/>; null when there are none.</summary>
    public ConditionVerdict? Evaluate(IReadOnlyList<string> lines, string prefix, string unitName, SpecifierContext context)
    {
        if (lines.Count == 0) return null;
        var parsed = new List<Parsed>(lines.Count);
        var kernelDependent = false;
        foreach (var line in lines)
        {
            var eq = line.IndexOf('=');
            if (eq < 0 || !line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var type = line[prefix.Length..eq];
            if (type == "KernelVersion") type = "Version";
            var value = line[(eq + 1)..];
            var trigger = value.StartsWith('|');
            if (trigger) value = value[1..].TrimStart(' ', '\t');
            var negate = value.StartsWith('!');
            if (negate) value = value[1..].TrimStart(' ', '\t');
            parsed.Add(new Parsed(line, type, trigger, negate, value));
            kernelDependent |= value.Contains("%v", StringComparison.Ordinal) || type == "Version";
        }
        if (parsed.Count == 0) return null;

        var kernels = kernelDependent ? image.KernelsForEvaluation : [ImageFacts.NoKernel];
        var perKernel = new List<(string Kernel, Tri Result, List<(Parsed C, Tri R, string? Why)> Each)>(kernels.Count);
        foreach (var kernel in kernels)
        {
            var each = new List<(Parsed, Tri, string?)>(parsed.Count);
            foreach (var c in parsed)
            {
                var (r, why, dropped) = Test(c, unitName, context, kernelDependent ? kernel : null);
                if (!dropped) each.Add((c, r, why));
            }
            perKernel.Add((kernel, Combine(each.Select(e => (e.Item1.Trigger, e.Item2))), each));
        }
        // Every line was one systemd ignores (bad specifier, relative path): the unit has no conditions.
        if (perKernel.All(k => k.Each.Count == 0)) return null;

        var notes = new List<string>();
        foreach (var (c, r, why) in perKernel[0].Each)
            if (r == Tri.Unknown && why is not null && !c.Parameter.Contains("%v", StringComparison.Ordinal) && c.Type != "Version")
                notes.Add($"{c.Line}: unknown ({why})");
        if (kernelDependent) notes.AddRange(KernelNotes(perKernel));

        var results = perKernel.Select(k => k.Result).Distinct().ToList();
        return new ConditionVerdict(results.Count == 1 ? results[0] : Tri.Unknown, notes);
    }

    /// <summary>What the per-kernel evaluation says about each %v / ConditionKernelVersion= line.</summary>
    private List<string> KernelNotes(List<(string Kernel, Tri Result, List<(Parsed C, Tri R, string? Why)> Each)> perKernel)
    {
        var notes = new List<string>();
        var lines = perKernel[0].Each.Select(e => e.C).Where(c => c.Parameter.Contains("%v", StringComparison.Ordinal) || c.Type == "Version").Distinct();
        foreach (var c in lines)
        {
            var byResult = perKernel
                .Select(k => (k.Kernel, k.Each.FirstOrDefault(e => ReferenceEquals(e.C, c))))
                .Where(x => x.Item2.C is not null)
                .GroupBy(x => x.Item2.R)
                .Select(g => $"{Word(g.Key)} for {string.Join(", ", g.Select(x => x.Kernel))}")
                .ToList();
            if (image.Kernels.Count == 0)
            {
                var r = perKernel[0].Each.First(e => ReferenceEquals(e.C, c));
                notes.Add($"{c.Line}: {Word(r.R)} (no kernel in the image under /lib/modules or /boot: %v is a kernel it has no modules for{(r.Why is null ? "" : "; " + r.Why)})");
            }
            else notes.Add($"{c.Line}: {string.Join("; ", byResult)} (evaluated for each of the image's {image.Kernels.Count} kernel(s))");
        }
        return notes;
    }

    public static string Word(Tri t) => t switch { Tri.True => "true", Tri.False => "false", _ => "unknown" };

    /// <summary>condition_test_list() in three-valued logic.</summary>
    public static Tri Combine(IEnumerable<(bool Trigger, Tri Result)> results)
    {
        var plain = Tri.True;
        Tri? triggered = null;
        foreach (var (trigger, r) in results)
        {
            if (!trigger)
            {
                if (r == Tri.False) plain = Tri.False;
                else if (r == Tri.Unknown && plain == Tri.True) plain = Tri.Unknown;
            }
            else
            {
                if (r == Tri.True) triggered = Tri.True;
                else if (r == Tri.Unknown && triggered != Tri.True) triggered = Tri.Unknown;
                else triggered ??= Tri.False;
            }
        }
        var t = triggered ?? Tri.True;
        if (plain == Tri.False || t == Tri.False) return Tri.False;
        return plain == Tri.Unknown || t == Tri.Unknown ? Tri.Unknown : Tri.True;
    }

    /// <summary>One condition, negation applied. Dropped = systemd ignores the line (bad specifier, relative path).</summary>
    private (Tri Result, string? Why, bool Dropped) Test(Parsed c, string unitName, SpecifierContext context, string? kernel)
    {
        var outcome = Specifiers.TryExpand(c.Parameter, unitName, context, kernel, out var value, out var culprit);
        if (outcome == Specifiers.Outcome.Invalid) return (Tri.Unknown, null, true);
        if (outcome == Specifiers.Outcome.Unknown) return (Tri.Unknown, $"{culprit} is known only at boot", false);

        var isPath = PathTypes.Contains(c.Type);
        if (isPath)
        {
            if (!value.StartsWith('/')) return (Tri.Unknown, null, true); // "Path in condition not absolute, ignoring"
            value = RootFileSystem.Normalize(value);
        }
        var (raw, why) = Raw(c.Type, value, kernel);
        if (raw == Tri.Unknown) return (Tri.Unknown, why, false);
        return (raw == Tri.True != c.Negate ? Tri.True : Tri.False, why, false);
    }

    /// <summary>The test itself, before negation.</summary>
    private (Tri, string?) Raw(string type, string value, string? kernel)
    {
        if (PathTypes.Contains(type) && image.RuntimeReason(value) is { } runtime && AtBoot.GetValueOrDefault(type) is null)
            return (Tri.Unknown, runtime);
        switch (type)
        {
            case "PathExists": return (B(probe.Stat(value).Kind != EntryKind.Missing), null);
            case "PathExistsGlob": return (B(probe.GlobExists(value)), null);
            case "PathIsDirectory": return (B(probe.Stat(value).Kind == EntryKind.Directory), null);
            case "PathIsSymbolicLink": return (B(probe.Lstat(value).Kind == EntryKind.Symlink), null);
            case "DirectoryNotEmpty":
                return probe.DirectoryNotEmpty(value) is { } notEmpty ? (B(notEmpty), null) : (Tri.Unknown, "the directory cannot be listed here");
            case "FileNotEmpty":
                var st = probe.Stat(value);
                return (B(st.Kind == EntryKind.File && st.Size > 0), null);
            case "FileIsExecutable": return (B(probe.IsExecutableFile(value)), null);
            case "PathIsMountPoint" when value == "/": return (Tri.True, null);
            case "Architecture":
                if (image.Architecture is null) return (Tri.Unknown, "the image's architecture could not be read");
                return (B(value == "native" || value == image.Architecture), null);
            case "Version" when value.StartsWith("systemd", StringComparison.Ordinal) || value.StartsWith("glibc", StringComparison.Ordinal):
                return (Tri.Unknown, "the systemd/glibc version form of ConditionVersion= is not evaluated");
            case "Version":
                if (kernel is null || kernel == ImageFacts.NoKernel) return (Tri.Unknown, "the kernel that boots decides");
                return KernelVersion(value, kernel);
            case "OSRelease": return OsRelease(value);
            case "User":
                // PID 1 runs as root (uid 0, a system user); any other user cannot match.
                return (B(value is "root" or "0" or "@system"), null);
            case "Group":
                return (B(value is "root" or "0"), null);
            case "Null":
                return (value.ToLowerInvariant() is "1" or "yes" or "y" or "true" or "t" or "on" ? Tri.True : Tri.False, null);
        }
        return (Tri.Unknown, AtBoot.GetValueOrDefault(type) ?? $"Condition{type}= is not one this auditor evaluates");
    }

    private static Tri B(bool b) => b ? Tri.True : Tri.False;

    /// <summary>ConditionKernelVersion=: "OP VERSION" (version comparison) or a glob on the release.</summary>
    private static (Tri, string?) KernelVersion(string value, string kernel)
    {
        var p = value.Trim();
        var op = Operator(ref p);
        if (op is null) return (B(Glob.Match(p, kernel)), null);
        return (B(Compare(op, VersionCompare(kernel, p.Trim()))), null);
    }

    /// <summary>ConditionOSRelease=: space-separated KEY OP VALUE, all must hold; a missing key is "".</summary>
    private (Tri, string?) OsRelease(string value)
    {
        if (image.OsRelease.Count == 0) return (Tri.Unknown, "the image has no os-release");
        foreach (var word in UnitFileParser.SplitWords(value))
        {
            var i = 0;
            while (i < word.Length && (char.IsAsciiLetterOrDigit(word[i]) || word[i] == '_')) i++;
            var key = word[..i];
            var rest = word[i..];
            var op = Operator(ref rest);
            if (key.Length == 0 || op is null) return (Tri.False, null); // systemd: parse error → false
            var actual = image.OsRelease.GetValueOrDefault(key) ?? "";
            var ok = op switch
            {
                "=" => actual == rest,
                "!=" => actual != rest,
                "$=" => Glob.Match(rest, actual),
                "!$=" => !Glob.Match(rest, actual),
                _ => Compare(op, VersionCompare(actual, rest)),
            };
            if (!ok) return (Tri.False, null);
        }
        return (Tri.True, null);
    }

    private static string? Operator(ref string s)
    {
        foreach (var op in (string[])["!$=", "$=", "<=", ">=", "!=", "=", "<", ">"])
        {
            if (!s.StartsWith(op, StringComparison.Ordinal)) continue;
            s = s[op.Length..];
            return op;
        }
        return null;
    }

    private static bool Compare(string op, int cmp) => op switch
    {
        "<" => cmp < 0,
        "<=" => cmp <= 0,
        "=" => cmp == 0,
        "!=" => cmp != 0,
        ">=" => cmp >= 0,
        ">" => cmp > 0,
        _ => false,
    };

    /// <summary>strverscmp_improved() in outline: digit runs compare as numbers, other runs as text, "~" sorts first.</summary>
    public static int VersionCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (i < a.Length && a[i] == '~' || j < b.Length && b[j] == '~')
            {
                var ta = i < a.Length && a[i] == '~';
                var tb = j < b.Length && b[j] == '~';
                if (ta != tb) return ta ? -1 : 1;
                i++;
                j++;
                continue;
            }
            if (i >= a.Length) return -1;
            if (j >= b.Length) return 1;
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                var si = i;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                var sj = j;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var na = a[si..i].TrimStart('0');
                var nb = b[sj..j].TrimStart('0');
                if (na.Length != nb.Length) return na.Length < nb.Length ? -1 : 1;
                var c = string.CompareOrdinal(na, nb);
                if (c != 0) return c;
                continue;
            }
            if (a[i] != b[j])
            {
                // A separator sorts before a letter or digit; otherwise plain character order.
                var la = char.IsAsciiLetterOrDigit(a[i]);
                var lb = char.IsAsciiLetterOrDigit(b[j]);
                if (la != lb) return la ? 1 : -1;
                return a[i] < b[j] ? -1 : 1;
            }
            i++;
            j++;
        }
        return 0;
    }
}
