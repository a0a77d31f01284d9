using System.Text;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// The "%x" specifiers of systemd.unit(5), as the system manager resolves them
/// (src/core/unit-printf.c unit_full_printf(), src/shared/specifier.c).
/// <see cref="Expand"/> is the small name-only table the install logic uses; <see cref="TryExpand"/>
/// is the full table for paths (ExecStart=, Condition*=), where a value the image cannot tell
/// (host name, machine and boot ID, …) makes the whole result unknown rather than guessed.
/// </summary>
internal static class Specifiers
{
    /// <summary>The unit-name specifiers (%n %N %p %P %i %I %j %J %%); anything else is left as written.</summary>
    public static string Expand(string value, string unitName)
    {
        if (!value.Contains('%')) return value;
        var sb = new StringBuilder(value.Length + 16);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '%' || i + 1 >= value.Length)
            {
                sb.Append(c);
                continue;
            }
            var s = value[++i];
            if (NameSpecifier(s, unitName) is { } v) sb.Append(v);
            else sb.Append('%').Append(s);
        }
        return sb.ToString();
    }

    /// <summary>The first specifier systemd does not know ("%Z", or a trailing "%"), or null when all are valid.</summary>
    public static string? FirstInvalid(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '%') continue;
            if (i + 1 >= value.Length) return "%";
            var s = value[++i];
            if (!"%nNpPiIjJfyYCdDELStTVugUGhsvaowWBMAHlqmbcrR".Contains(s)) return "%" + s;
        }
        return null;
    }

    /// <summary>The outcome of a full expansion.</summary>
    internal enum Outcome
    {
        /// <summary>Every specifier had a value.</summary>
        Ok,
        /// <summary>A specifier's value is decided by the machine at boot (%H, %m, %b, …): the result is unknown.</summary>
        Unknown,
        /// <summary>Not a specifier systemd knows, or a trailing "%": systemd refuses the setting ("Invalid slot").</summary>
        Invalid,
    }

    /// <summary>
    /// unit_full_printf(): every specifier of the system manager. <paramref name="kernel"/> is the value
    /// of %v (one of the image's kernels; null = unknown). <paramref name="culprit"/> names the
    /// specifier that made the result unknown or invalid.
    /// </summary>
    public static Outcome TryExpand(string value, string unitName, SpecifierContext context, string? kernel, out string result, out string? culprit)
    {
        culprit = null;
        result = value;
        if (!value.Contains('%')) return Outcome.Ok;
        var sb = new StringBuilder(value.Length + 32);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            if (i + 1 >= value.Length)
            {
                culprit = "%";
                return Outcome.Invalid;
            }
            var s = value[++i];
            string? v = NameSpecifier(s, unitName) ?? s switch
            {
                'f' => Filename(unitName),
                'y' => context.FragmentPath,
                'Y' => context.FragmentPath is { } f ? UnitSearchPath.Parent(f) : null,
                'C' => "/var/cache",
                'd' => "/run/credentials/" + unitName,
                'D' => "/usr/share",
                'E' => "/etc",
                'L' => "/var/log",
                'S' => "/var/lib",
                't' => "/run",
                'T' => "/tmp",
                'V' => "/var/tmp",
                // The system manager runs as root: its user, group, home and shell are root's.
                'u' or 'g' => "root",
                'U' or 'G' => "0",
                'h' => "/root",
                's' => "/bin/sh",
                'v' => kernel,
                'a' => context.Architecture,
                'o' => context.OsRelease("ID"),
                'w' => context.OsRelease("VERSION_ID"),
                'W' => context.OsRelease("VARIANT_ID"),
                'B' => context.OsRelease("BUILD_ID"),
                'M' => context.OsRelease("IMAGE_ID"),
                'A' => context.OsRelease("IMAGE_VERSION"),
                _ => null,
            };
            if (v is not null)
            {
                sb.Append(v);
                continue;
            }
            culprit = "%" + s;
            // Known specifiers without an offline value: host names, machine/boot ID, cgroup paths,
            // %v without a kernel, %a of an unknown architecture.
            return s is 'H' or 'l' or 'q' or 'm' or 'b' or 'c' or 'r' or 'R' or 'v' or 'a' or 'y' or 'Y' ? Outcome.Unknown : Outcome.Invalid;
        }
        result = sb.ToString();
        return Outcome.Ok;
    }

    private static string? NameSpecifier(char s, string unitName)
    {
        switch (s)
        {
            case '%': return "%";
            case 'n': return unitName;
            case 'N': return WithoutSuffix(unitName);
            case 'p': return UnitName.Prefix(unitName);
            case 'P': return Unescape(UnitName.Prefix(unitName));
            case 'i': return UnitName.Instance(unitName) ?? "";
            case 'I': return Unescape(UnitName.Instance(unitName) ?? "");
            case 'j': return LastDashComponent(UnitName.Prefix(unitName));
            case 'J': return Unescape(LastDashComponent(UnitName.Prefix(unitName)));
            default: return null;
        }
    }

    /// <summary>%f: the instance unescaped as a path if there is one, else the prefix ("/" + unescaped).</summary>
    private static string Filename(string unitName)
    {
        var instance = UnitName.Instance(unitName);
        var raw = string.IsNullOrEmpty(instance) ? UnitName.Prefix(unitName) : instance;
        if (raw == "-") return "/";
        var unescaped = Unescape(raw);
        return unescaped.StartsWith('/') ? unescaped : "/" + unescaped;
    }

    private static string WithoutSuffix(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[..dot];
    }

    private static string LastDashComponent(string prefix)
    {
        var dash = prefix.LastIndexOf('-');
        return dash < 0 ? prefix : prefix[(dash + 1)..];
    }

    /// <summary>unit_name_unescape: "\xNN" is a byte, "-" is "/".</summary>
    public static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '-') sb.Append('/');
            else if (s[i] == '\\' && i + 3 < s.Length && s[i + 1] == 'x'
                     && byte.TryParse(s.AsSpan(i + 2, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                sb.Append((char)b);
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    /// <summary>unit_name_path_escape: "/var/lib/x" → "var-lib-x", "/" → "-" (for mount/swap unit names).</summary>
    public static string PathEscape(string path)
    {
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0) return "-";
        var sb = new StringBuilder(trimmed.Length + 8);
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c == '/')
            {
                // Duplicate slashes collapse.
                if (i > 0 && trimmed[i - 1] == '/') continue;
                sb.Append('-');
            }
            else if ((c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or ':' or '_' or '.') && !(c == '.' && sb.Length == 0))
                sb.Append(c);
            else
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString())) sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

/// <summary>What the image tells about the values of the system specifiers; read once per scan.</summary>
internal sealed class SpecifierContext(ImageFacts image, string? fragmentPath)
{
    public string? FragmentPath { get; } = fragmentPath;
    public string? Architecture => image.Architecture;
    public string? OsRelease(string key) => image.OsRelease.GetValueOrDefault(key) ?? "";
}
