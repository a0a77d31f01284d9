namespace AmiAudit.Collectors.Probes.Memcg;

/// <summary>/proc/self/mountinfo: finds the mount point of the cgroup v1 hierarchy carrying a controller.</summary>
public static class MountInfoParser
{
    /// <summary>Mount point of the first "cgroup" (v1) mount whose super options list <paramref name="controller"/>.</summary>
    public static string? FindCgroupV1Mount(string text, string controller)
    {
        foreach (var line in text.Split('\n'))
        {
            // "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory"
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            var left = line[..dash].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var right = line[(dash + 3)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (left.Length < 5 || right.Length < 3 || right[0] != "cgroup") continue;
            if (right[2].Split(',').Contains(controller, StringComparer.Ordinal))
                return Unescape(left[4]);
        }
        return null;
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo octal.
    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOct(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool IsOct(string s, int i) =>
        i + 3 <= s.Length && s[i] is >= '0' and <= '7' && s[i + 1] is >= '0' and <= '7' && s[i + 2] is >= '0' and <= '7';
}
