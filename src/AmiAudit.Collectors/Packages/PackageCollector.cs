using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Packages;

/// <summary>
/// Installed packages from dpkg's status database (streamed, capped). An rpm database cannot be read
/// without librpm (Berkeley DB / SQLite / ndb formats): it is reported as present but unavailable
/// rather than guessed at, and the host's rpm binary is never run against a hostile image.
/// </summary>
public sealed class PackageCollector : ICollector
{
    public const long DpkgStatusCap = 64L * 1024 * 1024;
    public const int MaxPackages = 100_000;
    private const string DpkgStatus = "/var/lib/dpkg/status";
    private static readonly string[] RpmDbDirs = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];

    public string Name => "packages";
    public int Order => 50;
    public bool AppliesTo(CollectionMode mode) => true;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var fs = context.Fs;
        var rpmDb = RpmDbDirs.FirstOrDefault(d => fs.DirectoryExists(d) && fs.List(d).Count > 0);

        if (fs.Stat(DpkgStatus).Kind != EntryKind.Missing)
        {
            var items = DpkgStatusParser.Parse(fs.ReadLines(DpkgStatus, DpkgStatusCap), MaxPackages, out var capped);
            if (capped) fs.Note(Name, "too-many-packages", $"more than {MaxPackages} packages; the rest were not read", DpkgStatus);
            if (rpmDb is not null)
                fs.Note(Name, "unavailable", "rpmdb present but not readable without rpm (unavailable); packages are from dpkg only", rpmDb, "info");
            return snapshot with { Packages = new PackageFacts { Manager = "dpkg", Available = true, Items = items } };
        }
        if (rpmDb is not null)
        {
            fs.Note(Name, "unavailable", "rpmdb present but not readable without rpm (unavailable)", rpmDb, "unavailable");
            return snapshot with { Packages = new PackageFacts { Manager = "rpm", Available = false } };
        }
        fs.Note(Name, "unavailable", "no package database (dpkg status or rpmdb) in the root", null, "info");
        return snapshot with { Packages = new PackageFacts { Manager = "none", Available = false } };
    }
}
