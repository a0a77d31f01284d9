using System.Diagnostics;
using AmiAudit.Collectors.Packages;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Collectors.Tests.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Tests.Packages;

public class PackageCollectorTests
{
    private const string Status = """
        Package: ecs-init
        Status: install ok installed
        Priority: optional
        Architecture: amd64
        Version: 1.53.0-1
        Description: Amazon Elastic Container Service initialization
         a long description line
         .
         with: a colon that is not a field

        Package: old-thing
        Status: deinstall ok config-files
        Architecture: all
        Version: 0.1

        Package: held
        Status: hold ok installed
        Architecture: all
        Version: 2:1.0~rc1

        Package: broken
        Status: install reinstreq half-installed
        Version: 3
        """;

    [Fact]
    public void Dpkg_status_lists_installed_packages_only()
    {
        using var root = new TempRoot().Write("/var/lib/dpkg/status", Status);

        var (s, _) = root.Collect(new PackageCollector());

        s.Packages.Manager.ShouldBe("dpkg");
        s.Packages.Available.ShouldBeTrue();
        s.Packages.Items.Select(p => (p.Name, p.Version, p.Architecture)).ShouldBe(
            [("ecs-init", "1.53.0-1", "amd64"), ("held", "2:1.0~rc1", "all")]);
    }

    [Fact]
    public void Rpm_database_only_is_marked_unavailable()
    {
        using var root = new TempRoot().Write("/var/lib/rpm/rpmdb.sqlite", "SQLite format 3\0");
        var (s, ctx) = root.Collect(new PackageCollector());
        (s.Packages.Manager, s.Packages.Available, s.Packages.Items.Count).ShouldBe(("rpm", false, 0));
        ctx.Fs.Diagnostics.ShouldContain(d => d.Source == "packages" && d.Message.Contains("rpmdb present but not readable without rpm (unavailable)"));
    }

    [Fact]
    public void No_database_is_none()
    {
        using var root = new TempRoot();
        root.Collect(new PackageCollector()).Snapshot.Packages.Manager.ShouldBe("none");
    }

    [Fact]
    public void Parser_is_capped()
    {
        var lines = Enumerable.Range(0, 10).SelectMany(i => new[] { $"Package: p{i}", "Status: install ok installed", "Version: 1", "" });
        DpkgStatusParser.Parse(lines, 3, out var capped).Count.ShouldBe(3);
        capped.ShouldBeTrue();
    }

    [Fact]
    [Trait("Category", "RealParts")]
    public void Agrees_with_dpkg_query_on_this_host()
    {
        if (!File.Exists("/var/lib/dpkg/status") || !File.Exists("/usr/bin/dpkg-query")) return;
        var psi = new ProcessStartInfo("dpkg-query", ["-W", "-f", "${Package}\t${Version}\t${Architecture}\t${db:Status-Status}\n"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var expected = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .Where(f => f[3] == "installed").Select(f => $"{f[0]} {f[1]} {f[2]}").Order(StringComparer.Ordinal).ToList();

        var s = new PackageCollector().Collect(new CollectionContext { Fs = new RootFileSystem("/") }, new Snapshot());

        expected.Count.ShouldBeGreaterThan(50);
        s.Packages.Items.Select(x => $"{x.Name} {x.Version} {x.Architecture}").Order(StringComparer.Ordinal).ToList().ShouldBe(expected);
    }
}
