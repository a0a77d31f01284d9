using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// What the image itself says about the machine it will boot as, for the specifiers and conditions
/// systemd evaluates at boot: its kernel releases (%v), its architecture (%a, ConditionArchitecture=),
/// its os-release (ConditionOSRelease=, %o %w …) and the mount points that will cover parts of the
/// tree at boot. Read once per scan.
/// </summary>
internal sealed class ImageFacts
{
    /// <summary>
    /// Stands for %v when the image has no kernel of its own (a container image, or a root booted
    /// with a kernel from elsewhere): a release whose /lib/modules directory the image cannot have.
    /// </summary>
    public const string NoKernel = "0-amiaudit-no-kernel-in-image";

    /// <summary>Paths whose contents only exist at run time: the image's copy says nothing about boot.</summary>
    private static readonly string[] RuntimeTrees = ["/proc", "/sys", "/dev", "/run", "/tmp", "/var/run", "/var/lock"];

    public required IReadOnlyList<string> Kernels { get; init; }
    public string? Architecture { get; init; }
    public required IReadOnlyDictionary<string, string> OsRelease { get; init; }
    /// <summary>Mount points from /etc/fstab other than "/" (another file system covers them at boot).</summary>
    public required IReadOnlyList<string> MountPoints { get; init; }

    /// <summary>The kernels %v is evaluated for: the image's own, or <see cref="NoKernel"/>.</summary>
    public IReadOnlyList<string> KernelsForEvaluation => Kernels.Count > 0 ? Kernels : [NoKernel];

    public static ImageFacts Read(UnitTree tree)
    {
        return new ImageFacts
        {
            Kernels = ReadKernels(tree),
            Architecture = ReadArchitecture(tree.Fs),
            OsRelease = ReadOsRelease(tree.Fs),
            MountPoints = ReadMountPoints(tree.Fs),
        };
    }

    /// <summary>Why a path's state at boot cannot be read from the image, or null when it can.</summary>
    public string? RuntimeReason(string path)
    {
        foreach (var t in RuntimeTrees)
            if (UnitSearchPath.PathStartsWith(path, t)) return $"{t} is created at boot";
        foreach (var m in MountPoints)
            if (UnitSearchPath.PathStartsWith(path, m)) return $"{m} is a mount point in /etc/fstab";
        return null;
    }

    /// <summary>Kernel releases: directories of /lib/modules, and /boot/vmlinuz-RELEASE files.</summary>
    private static List<string> ReadKernels(UnitTree tree)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in tree.Dir("/lib/modules").Entries)
            if (e.Kind == EntryKind.Directory || (e.Kind == EntryKind.Symlink && tree.Stat(e.Path).Kind == EntryKind.Directory))
                set.Add(e.Name);
        foreach (var e in tree.Dir("/boot").Entries)
            if (e.Name.StartsWith("vmlinuz-", StringComparison.Ordinal) && e.Name.Length > 8 && tree.Stat(e.Path).Kind == EntryKind.File)
                set.Add(e.Name[8..]);
        return [.. set];
    }

    /// <summary>
    /// The architecture systemd would report (architecture_to_string()), from the ELF header of the
    /// image's own systemd (or /bin/sh): the ELF class, byte order and e_machine.
    /// </summary>
    private static string? ReadArchitecture(RootFileSystem fs)
    {
        foreach (var path in (string[])["/lib/systemd/systemd", "/usr/lib/systemd/systemd", "/bin/sh"])
        {
            var header = ElfHeader(fs, path);
            if (header is not { } h) continue;
            return h.Machine switch
            {
                0x3e => "x86-64",
                0x03 => "x86",
                0xb7 => "arm64",
                0x28 => h.LittleEndian ? "arm" : "arm-be",
                0xf3 => h.Is64 ? "riscv64" : "riscv32",
                0x15 => h.Is64 ? (h.LittleEndian ? "ppc64-le" : "ppc64") : "ppc",
                0x16 => h.Is64 ? "s390x" : "s390",
                _ => null,
            };
        }
        return null;
    }

    /// <summary>
    /// Class, byte order and e_machine of an ELF file, through the confined reader: its first 20 bytes
    /// (magic, class, byte order, version 1, OS ABI SysV or GNU, padding, e_type EXEC or DYN,
    /// e_machine) are compared with the few headers real systems have, most likely first — typically
    /// one comparison of 20 bytes, and no binary is read as text.
    /// </summary>
    private static (bool Is64, bool LittleEndian, int Machine)? ElfHeader(RootFileSystem fs, string path)
    {
        if (!fs.HasPrefix(path, "\u007fELF"u8)) return null;
        (bool Is64, bool Little, int Machine)[] candidates =
        [
            (true, true, 0x3e), (true, true, 0xb7), (false, true, 0x03), (false, true, 0x28),
            (true, true, 0xf3), (true, true, 0x15), (true, false, 0x15), (true, false, 0x16),
        ];
        Span<byte> head = stackalloc byte[20];
        foreach (var (is64, little, machine) in candidates)
            foreach (byte osAbi in (byte[])[0, 3])
                foreach (byte type in (byte[])[3, 2])
                {
                    head.Clear();
                    "\u007fELF"u8.CopyTo(head);
                    head[4] = is64 ? (byte)2 : (byte)1;
                    head[5] = little ? (byte)1 : (byte)2;
                    head[6] = 1;
                    head[7] = osAbi;
                    head[little ? 16 : 17] = type;
                    head[little ? 18 : 19] = (byte)machine;
                    if (fs.HasPrefix(path, head)) return (is64, little, machine);
                }
        return null;
    }

    /// <summary>/etc/os-release, else /usr/lib/os-release (os-release(5)), KEY=value with shell quoting.</summary>
    private static Dictionary<string, string> ReadOsRelease(RootFileSystem fs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = fs.ReadText("/etc/os-release", 64 * 1024) ?? fs.ReadText("/usr/lib/os-release", 64 * 1024);
        if (text is null) return result;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var words = UnitFileParser.SplitWords(line[(eq + 1)..]);
            result[line[..eq]] = words.Count == 0 ? "" : string.Join(' ', words).Replace("\\", "", StringComparison.Ordinal);
        }
        return result;
    }

    private static List<string> ReadMountPoints(RootFileSystem fs)
    {
        var result = new List<string>();
        var text = fs.ReadText("/etc/fstab", 1024 * 1024);
        if (text is null) return result;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || f[2] == "swap") continue;
            var mountPoint = RootFileSystem.Normalize(f[1].Replace("\\040", " ", StringComparison.Ordinal));
            if (f[1].StartsWith('/') && mountPoint != "/") result.Add(mountPoint);
        }
        return result;
    }
}
