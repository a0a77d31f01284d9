using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Packages;

/// <summary>
/// deb822 stanzas of /var/lib/dpkg/status, one line at a time. A package counts as installed when the
/// third word of Status is "installed" ("install ok installed", also "hold ok installed"); half-installed,
/// config-files (removed, not purged) and not-installed stanzas are skipped, as dpkg -l's "ii"/"hi" would.
/// </summary>
public static class DpkgStatusParser
{
    public static List<PackageFact> Parse(IEnumerable<string> lines, int max, out bool capped)
    {
        capped = false;
        var items = new List<PackageFact>();
        string? name = null, status = null, version = null, arch = null;
        foreach (var line in lines.Append(""))
        {
            if (line.Length == 0)
            {
                if (name is not null && version is not null && IsInstalled(status))
                {
                    if (items.Count >= max) { capped = true; break; }
                    items.Add(new PackageFact { Name = name, Version = version, Architecture = arch });
                }
                name = status = version = arch = null;
                continue;
            }
            if (line[0] is ' ' or '\t') continue; // continuation of Description / Conffiles
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var value = line[(colon + 1)..].Trim();
            switch (line[..colon])
            {
                case "Package": name = value; break;
                case "Status": status = value; break;
                case "Version": version = value; break;
                case "Architecture": arch = value; break;
            }
        }
        return items;
    }

    private static bool IsInstalled(string? status)
    {
        var words = status?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words is { Length: 3 } && words[2] == "installed";
    }
}
