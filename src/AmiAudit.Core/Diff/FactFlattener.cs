using System.Runtime.CompilerServices;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Diff;

/// <summary>
/// Turns one snapshot into comparable keys (see <see cref="FactKey"/>). What is left out is as deliberate as
/// what goes in: hostname, instance id, availability zone, labels, timestamps, PIDs, container ids and IPs are
/// volatile — two nodes of one healthy group differ in them — so they never become keys. Numbers that drift
/// (restart rates, probe readings) become <see cref="Bands"/>; their exact values are kept as evidence.
/// Hot methods are marked AggressiveOptimization: a diff of thousands of snapshots is over before tiered
/// compilation would promote them, and tier-0 code made flattening ~2× slower (benchmarks/diff-bench.sh).
/// </summary>
public static class FactFlattener
{
    public static IReadOnlyDictionary<string, string> Flatten(Snapshot snapshot, DiffOptions options) =>
        FlattenAll(snapshot, new GlobMatcher(options.Ignore)).Facts;

    public static FlatSnapshot FlattenAll(Snapshot snapshot, GlobMatcher ignore) => FlattenAll(snapshot, ignore, into: null);

    /// <summary>Flattens into <paramref name="into"/> (an empty, possibly recycled <see cref="FlatSnapshot"/>) or a new one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FlatSnapshot FlattenAll(Snapshot snapshot, GlobMatcher ignore, FlatSnapshot? into)
    {
        var flat = into ?? new FlatSnapshot(snapshot.Systemd.Units.Count * 12 + snapshot.Packages.Items.Count + snapshot.Containers.Count * 5 + 64);
        AddTarget(flat, snapshot);
        foreach (var unit in snapshot.Systemd.Units) AddUnit(flat, unit, snapshot.Target.CollectedAt);
        foreach (var container in snapshot.Containers) AddContainer(flat, container);
        AddBootstrap(flat, snapshot.Bootstrap);
        foreach (var binary in snapshot.Binaries)
            flat.Facts[KeyCache.Make("binary", binary.Path, "sha256")] = binary.Sha256 ?? (binary.Exists ? "(unreadable)" : FactKey.Absent);
        AddPackages(flat, snapshot.Packages);
        if (snapshot.Probes is { } probes) AddProbes(flat, probes);
        if (snapshot.Ec2 is { } ec2) AddEc2(flat, ec2);

        if (!ignore.IsEmpty)
        {
            foreach (var key in flat.Facts.Keys.Where(ignore.Matches).ToList()) flat.Facts.Remove(key);
        }
        return flat;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddTarget(FlatSnapshot flat, Snapshot s)
    {
        Put(flat, "target", "", "imageId", s.Target.ImageId);
        if (s.Os is { } os)
        {
            Put(flat, "os", "", "id", os.Id);
            Put(flat, "os", "", "versionId", os.VersionId);
            Put(flat, "os", "", "kernel", os.Kernel);
        }
        Put(flat, "systemd", "", "defaultTarget", s.Systemd.DefaultTarget);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddUnit(FlatSnapshot flat, UnitFact u, DateTimeOffset? collectedAt)
    {
        var n = u.Name;
        Put(flat, "unit", n, "unitFileState", u.UnitFileState);
        flat.Facts[KeyCache.Make("unit", n, "startsAtBoot")] = u.StartsAtBoot ? "true" : "false";
        Put(flat, "unit", n, "fragmentPath", u.FragmentPath);
        Put(flat, "unit", n, "activeState", u.ActiveState);
        if (u.RestartsPerHour is { } rate) flat.Facts[KeyCache.Make("unit", n, "restarts")] = Bands.Rate(rate);

        // The dependency graph the explainer walks is itself compared: a drop-in that adds Requires= on one
        // side is a divergence in its own right.
        PutList(flat, "unit", n, "requires", u.Requires, sort: true);
        PutList(flat, "unit", n, "bindsTo", u.BindsTo, sort: true);
        PutList(flat, "unit", n, "requisite", u.Requisite, sort: true);
        PutList(flat, "unit", n, "wants", u.Wants, sort: true);
        PutList(flat, "unit", n, "after", u.After, sort: true);
        PutList(flat, "unit", n, "execStart", u.ExecStart, sort: false);
        PutList(flat, "unit", n, "execStartPre", u.ExecStartPre, sort: false);
        PutList(flat, "unit", n, "conditions", u.Conditions, sort: false);
        PutList(flat, "unit", n, "dropIns", u.DropIns, sort: true);
        // A unit one side could not fully read is a divergence too (and explains empty fields there).
        PutList(flat, "unit", n, "loadErrors", u.LoadErrors, sort: true);

        PutText(flat, "unit", n, "result", u.Result);
        PutText(flat, "unit", n, "failureMessage", u.FailureMessage);
        PutText(flat, "unit", n, "subState", u.SubState);
        PutNumber(flat, "unit", n, "execMainStatus", u.ExecMainStatus);
        PutNumber(flat, "unit", n, "nRestarts", u.NRestarts);
        PutNumber(flat, "unit", n, "restartsPerHour", u.RestartsPerHour);
        if (collectedAt is { } at && u.ActiveEnterTimestamp is { } entered && string.Equals(u.ActiveState, "active", StringComparison.Ordinal))
            PutNumber(flat, "unit", n, "activeSeconds", Math.Max(0, (at - entered).TotalSeconds));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddContainer(FlatSnapshot flat, ContainerFact c)
    {
        var n = c.Name.TrimStart('/');
        Put(flat, "container", n, "image", c.Image);
        Put(flat, "container", n, "restartPolicy", c.RestartPolicy);
        Put(flat, "container", n, "state", c.State);
        if (c.RestartsPerHour is { } rate) flat.Facts[KeyCache.Make("container", n, "restartRate")] = Bands.Rate(rate);
        Put(flat, "container", n, "ownerUnit", c.OwnerUnit);
        PutNumber(flat, "container", n, "restartsPerHour", c.RestartsPerHour);
        PutNumber(flat, "container", n, "recreatesInWindow", c.RecreatesInWindow);
        PutNumber(flat, "container", n, "restartCount", c.RestartCount);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddBootstrap(FlatSnapshot flat, BootstrapFacts b)
    {
        foreach (var group in b.Urls.GroupBy(u => u.Purpose, StringComparer.Ordinal))
        {
            var urls = group.Select(u => u.Normalized).Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (urls.Count == 0) continue;
            flat.Facts[KeyCache.Make("bootstrap", "url", group.Key)] = string.Join(' ', urls);
            var first = group.OrderBy(u => u.Source, StringComparer.Ordinal).ThenBy(u => u.Line).First();
            flat.Text[KeyCache.Make("bootstrap", "url/" + group.Key, "source")] = $"{first.Source}:{first.Line}";
        }
        foreach (var s in b.Scripts)
        {
            Put(flat, "script", s.Path, "sha256", s.Sha256);
            Put(flat, "script", s.Path, "kind", s.Kind);
            PutList(flat, "script", s.Path, "referencedBy", s.ReferencedBy, sort: true);
            PutList(flat, "script", s.Path, "startsUnits", s.StartsUnits, sort: true);
            var fetches = b.Urls.Where(u => string.Equals(u.Source, s.Path, StringComparison.Ordinal)).Select(u => u.Purpose).ToList();

            PutList(flat, "script", s.Path, "fetches", fetches, sort: true);
        }
        if (b.CloudInit is { } ci)
        {
            flat.Facts[KeyCache.Make("bootstrap", "cloudInit", "status")] = ci.Status;
            PutText(flat, "bootstrap", "cloudInit", "error", ci.Errors.FirstOrDefault());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPackages(FlatSnapshot flat, PackageFacts p)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in p.Items)
        {
            var subject = seen.Add(item.Name) ? item.Name : $"{item.Name}:{item.Architecture}";
            flat.Facts[KeyCache.Make("package", subject, "version")] = item.Version;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddProbes(FlatSnapshot flat, ProbeFacts p)
    {
        if (p.Memcg is { } m)
        {
            flat.Facts[KeyCache.Make("probe", "memcg", "dying")] = m.Dying is { } d && m.Status is not ("unavailable" or "not-applicable") ? Bands.Memcg(d) : m.Status;
            PutNumber(flat, "probe", "memcg", "tracked", m.Tracked);
            PutNumber(flat, "probe", "memcg", "live", m.Live);
            PutNumber(flat, "probe", "memcg", "dying", m.Dying);
        }
        if (p.Ena is { } ena)
        {
            foreach (var i in ena.Interfaces)
            {
                var subject = "ena/" + i.Name;
                flat.Facts[KeyCache.Make("probe", subject, "resets")] = Bands.Rate(i.Resets);
                PutNumber(flat, "probe", subject, "resets", i.Resets);
                PutNumber(flat, "probe", subject, "txTimeouts", i.TxTimeouts);
                if (i.Reasons.Count > 0) PutText(flat, "probe", subject, "reasons", string.Join(", ", i.Reasons));
            }
        }
        if (p.Cpu is { } cpu)
        {
            if (cpu.Status is "unavailable" or "not-applicable" || cpu.Cores.Count == 0 || cpu.WindowSeconds <= 0)
            {
                flat.Facts[KeyCache.Make("probe", "cpu", "saturated")] = cpu.Status;
                return;
            }
            var worst = cpu.Cores.OrderByDescending(c => c.SaturatedSeconds).ThenByDescending(c => c.Sys).ThenBy(c => c.Cpu).First();
            flat.Facts[KeyCache.Make("probe", "cpu", "saturated")] = Bands.Cpu(worst.SaturatedSeconds / cpu.WindowSeconds);
            PutNumber(flat, "probe", "cpu", "worstCore", worst.Cpu);
            PutNumber(flat, "probe", "cpu", "worstSys", worst.Sys);
            PutNumber(flat, "probe", "cpu", "saturatedSeconds", worst.SaturatedSeconds);
            PutNumber(flat, "probe", "cpu", "windowSeconds", cpu.WindowSeconds);
            if (worst.TopProcesses.OrderByDescending(t => t.Percent).ThenBy(t => t.Comm, StringComparer.Ordinal).FirstOrDefault() is { } top)
            {
                PutText(flat, "probe", "cpu", "topProcess", top.Comm);
                PutNumber(flat, "probe", "cpu", "topPercent", top.Percent);
            }
        }
    }

    /// <summary>EC2 inventory: what each zone runs (AMI, launch template version, instance type, user data). Instance
    /// and subnet ids, launch times and the AMI's age are per node, so they stay evidence, not keys.</summary>
    private static void AddEc2(FlatSnapshot flat, Ec2Facts e)
    {
        Put(flat, "ec2", "instance", "instanceType", e.Instance.InstanceType);
        Put(flat, "ec2", "instance", "iamInstanceProfile", e.Instance.IamInstanceProfile);
        Put(flat, "ec2", "instance", "architecture", e.Instance.Architecture);
        if (e.Image is { } ami)
        {
            Put(flat, "ec2", "image", "name", ami.Name);
            Put(flat, "ec2", "image", "ownerId", ami.OwnerId);
            Put(flat, "ec2", "image", "bootMode", ami.BootMode);
            Put(flat, "ec2", "image", "enaSupport", ami.EnaSupport is { } ena ? (ena ? "true" : "false") : null);
            flat.Facts[KeyCache.Make("ec2", "image", "deprecated")] = ami.Deprecated ? "true" : "false";
            PutNumber(flat, "ec2", "image", "ageDays", ami.AgeDays);
        }
        if (e.LaunchTemplate is { } lt)
        {
            Put(flat, "ec2", "launchTemplate", "name", lt.Name);
            PutText(flat, "ec2", "launchTemplate", "id", lt.Id + (lt.Version is null ? "" : ":" + lt.Version));
        }
        if (e.UserData is { } ud)
        {
            Put(flat, "ec2", "userData", "sha256", ud.Sha256);
            PutList(flat, "ec2", "userData", "encodings", ud.Encodings, sort: false);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Put(FlatSnapshot flat, string kind, string subject, string attribute, string? value)
    {
        if (!string.IsNullOrEmpty(value)) flat.Facts[KeyCache.Make(kind, subject, attribute)] = value;
    }

    /// <summary>A list as one comparable value. Hot path (≈15 lists per unit, thousands of units per side), so no LINQ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PutList(FlatSnapshot flat, string kind, string subject, string attribute, List<string> values, bool sort)
    {
        if (values.Count == 0) return;
        string joined;
        if (values.Count == 1)
        {
            if (values[0].Length == 0) return;
            joined = values[0];
        }
        else
        {
            var items = values.ToArray();
            if (sort) Array.Sort(items, StringComparer.Ordinal);
            var sb = new System.Text.StringBuilder();
            string? previous = null;
            foreach (var v in items)
            {
                if (v.Length == 0 || (sort && string.Equals(v, previous, StringComparison.Ordinal))) continue;
                if (sb.Length > 0) sb.Append(sort ? " " : " ; ");
                sb.Append(v);
                previous = v;
            }
            if (sb.Length == 0) return;
            joined = sb.ToString();
        }
        flat.Facts[KeyCache.Make(kind, subject, attribute)] = joined;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PutText(FlatSnapshot flat, string kind, string subject, string attribute, string? value)
    {
        if (!string.IsNullOrEmpty(value)) flat.Text[KeyCache.Make(kind, subject, attribute)] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PutNumber(FlatSnapshot flat, string kind, string subject, string attribute, double? value)
    {
        if (value is { } v && double.IsFinite(v)) flat.Numbers[KeyCache.Make(kind, subject, attribute)] = v;
    }

}
