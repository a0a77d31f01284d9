using AmiAudit.Collectors.Systemd;

namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>Issue 8 defect 5 (bounded boot paths, linear scan) and issue 15 item 3 (which template instances run).</summary>
public sealed class BootGraphTests : IDisposable
{
    private readonly FixtureRoot _root = new();

    public void Dispose() => _root.Dispose();

    private void Chain(int n) => Chain(_root, n);

    private static void Chain(FixtureRoot root, int n)
    {
        root.File("/usr/lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi-User\n")
            .Link("/usr/lib/systemd/system/default.target", "multi-user.target")
            .Link("/etc/systemd/system/multi-user.target.wants/u0.service", "/usr/lib/systemd/system/u0.service");
        for (var i = 0; i < n; i++)
            root.File($"/usr/lib/systemd/system/u{i}.service", (i + 1 < n ? $"[Unit]\nRequires=u{i + 1}.service\n" : "") + "[Service]\nExecStart=/bin/true\n");
    }

    [Fact]
    public void A_long_requires_chain_gives_bounded_boot_paths_with_head_marker_and_tail()
    {
        Chain(40);
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);
        // multi-user.target → u0 → … → u39: u39 sits 41 units deep.
        units["u39.service"].StartsAtBoot.ShouldBeTrue();
        units["u39.service"].BootPath.ShouldBe(["multi-user.target", "u0.service", "u1.service", BootGraph.Marker(34), "u36.service", "u37.service", "u38.service", "u39.service"]);
        units["u6.service"].BootPath.ShouldBe(["multi-user.target", "u0.service", "u1.service", "u2.service", "u3.service", "u4.service", "u5.service", "u6.service"]);
        units["u7.service"].BootPath.Count.ShouldBe(BootGraph.MaxPath);
        units["u7.service"].BootPath[BootGraph.Head].ShouldBe(BootGraph.Marker(2)); // u2 and u3
        units.Values.ShouldAllBe(u => u.BootPath.Count <= BootGraph.MaxPath);
        UnitName.IsValid(BootGraph.Marker(5)).ShouldBeFalse();
    }

    [Fact]
    public void Snapshot_size_per_unit_does_not_grow_with_the_chain()
    {
        // The defect: 355 MB for 5,000 units, a whole path per unit. Bytes per unit must stay flat.
        static long Bytes(Core.Model.SystemdFacts f) => f.Units.Sum(u => u.BootPath.Sum(p => p.Length + 3L));
        Chain(200);
        var small = Bytes(_root.Scan().Facts) / 200.0;
        using var big = new FixtureRoot();
        Chain(big, 1000);
        var large = Bytes(big.Scan().Facts) / 1000.0;
        (large / small).ShouldBeLessThan(1.2);
    }

    [Fact]
    public void Instances_pulled_in_by_wants_links_dependencies_and_timers_are_judged_and_the_template_is_not()
    {
        _root.File("/usr/lib/systemd/system/multi-user.target", "[Unit]\nWants=timers.target\n")
            .Link("/usr/lib/systemd/system/default.target", "multi-user.target")
            .File("/usr/lib/systemd/system/timers.target", "[Unit]\nDescription=timers\n")
            // modprobe@.service on Debian: pulled in by Wants= of boot units, "-" on its only command.
            .File("/usr/lib/systemd/system/modprobe@.service", "[Service]\nType=oneshot\nExecStart=-/sbin/modprobe -abq %I\n")
            .File("/usr/lib/systemd/system/logind.service", "[Unit]\nWants=modprobe@drm.service\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n")
            .Link("/etc/systemd/system/multi-user.target.wants/logind.service", "/usr/lib/systemd/system/logind.service")
            .File("/usr/lib/systemd/system/job@.service", "[Service]\nExecStart=/opt/job/%i\n")
            .File("/usr/lib/systemd/system/nightly.timer", "[Timer]\nOnCalendar=daily\nUnit=job@nightly.service\n[Install]\nWantedBy=timers.target\n")
            .Link("/etc/systemd/system/timers.target.wants/nightly.timer", "/usr/lib/systemd/system/nightly.timer")
            .File("/usr/lib/systemd/system/rescue.target", "[Unit]\nDescription=rescue\n")
            .Link("/usr/lib/systemd/system/rescue.target.wants/job@rescue.service", "../job@.service")
            .File("/usr/lib/systemd/system/idle@.service", "[Service]\nExecStart=/opt/idle/%i\n");
        var units = _root.Scan().Facts.Units.ToDictionary(u => u.Name);

        var drm = units["modprobe@drm.service"];
        drm.PulledInBy.ShouldBe("logind.service");
        drm.StartsAtBoot.ShouldBeTrue();
        drm.MissingExecutables.ShouldBeEmpty(); // "-": a missing modprobe cannot fail it
        units["modprobe@.service"].MissingExecutables.ShouldBeEmpty();

        var nightly = units["job@nightly.service"];
        nightly.PulledInBy.ShouldBe("nightly.timer");
        nightly.StartsAtBoot.ShouldBeFalse(); // activated later by the timer, not pulled in at boot
        nightly.MissingExecutables.ShouldBe(["/opt/job/nightly"]);

        var rescue = units["job@rescue.service"];
        rescue.PulledInBy.ShouldBe("rescue.target");
        rescue.StartsAtBoot.ShouldBeFalse();

        units["job@.service"].MissingExecutables.ShouldBeEmpty();
        units.Keys.ShouldNotContain(k => k.StartsWith("idle@", StringComparison.Ordinal) && k != "idle@.service"); // nothing pulls an instance of it in
        units["logind.service"].PulledInBy.ShouldBeNull(); // listed unit files carry no PulledInBy
    }
}
