using System.Text;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// The unit-name specifiers of systemd.unit(5) that can be computed offline (%n %N %p %P %i %I %j %J %%).
/// Host specifiers (%H, %m, %b …) depend on the running machine and are left as written.
/// </summary>
internal static class Specifiers
{
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
            var prefix = UnitName.Prefix(unitName);
            var instance = UnitName.Instance(unitName) ?? "";
            switch (s)
            {
                case '%': sb.Append('%'); break;
                case 'n': sb.Append(unitName); break;
                case 'N': sb.Append(WithoutSuffix(unitName)); break;
                case 'p': sb.Append(prefix); break;
                case 'P': sb.Append(Unescape(prefix)); break;
                case 'i': sb.Append(instance); break;
                case 'I': sb.Append(Unescape(instance)); break;
                case 'j': sb.Append(LastDashComponent(prefix)); break;
                case 'J': sb.Append(Unescape(LastDashComponent(prefix))); break;
                default: sb.Append('%').Append(s); break;
            }
        }
        return sb.ToString();
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
