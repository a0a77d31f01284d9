using AmiAudit.Collectors.Probes.Io;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>A network interface whose driver is ena, with its PCI address.</summary>
public sealed record EnaNic(string Name, string? PciAddress);

/// <summary>
/// Finds ENA interfaces under sys/class/net: the driver is the basename of the device/driver
/// symlink (or DRIVER= in device/uevent), the PCI address the basename of the device symlink (or
/// PCI_SLOT_NAME=). This is also the map from the BDF in "ena &lt;bdf&gt;: …" lines to an interface.
/// </summary>
public static class EnaInterfaces
{
    public static (List<EnaNic> Nics, string? Error) Find(HostPaths host)
    {
        var nics = new List<EnaNic>();
        var netDir = host.Resolve("sys/class/net");
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(netDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (nics, BoundedReader.Describe(e, "sys/class/net"));
        }
        foreach (var dir in entries.Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var device = Path.Combine(dir, "device");
            var uevent = ReadUevent(Path.Combine(device, "uevent"));
            var driver = LinkBase(Path.Combine(device, "driver")) ?? uevent.GetValueOrDefault("DRIVER");
            if (driver != "ena") continue;
            var pci = uevent.GetValueOrDefault("PCI_SLOT_NAME") ?? LinkBase(device);
            nics.Add(new EnaNic(name, pci?.ToLowerInvariant()));
        }
        return (nics, null);
    }

    private static string? LinkBase(string path)
    {
        try
        {
            var target = new FileInfo(path).LinkTarget;
            return target is null ? null : Path.GetFileName(target.TrimEnd('/'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> ReadUevent(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = BoundedReader.ReadText(path, path, 64 * 1024);
        if (!text.Ok) return result;
        foreach (var line in text.Text!.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq > 0) result[line[..eq]] = line[(eq + 1)..].Trim();
        }
        return result;
    }
}
