using System.Text;
using System.Text.Json;

namespace AmiAudit.Collectors.Json;

/// <summary>
/// Strings out of JSON written by something else (cloud-init, Docker, journald). System.Text.Json
/// validates "\ud800"-style escapes only when a string is read: GetString() and JsonProperty.Name
/// throw InvalidOperationException on an unpaired surrogate escape, which no caller expects — a
/// 67-byte result.json made `collect` fail as an internal error (fuzzing, Crashes/cloud-init-result).
/// These read the same text with an unpaired surrogate replaced by U+FFFD, as invalid UTF-8 is.
/// </summary>
public static class JsonStrings
{
    /// <summary>The string value (the element must be a JSON string).</summary>
    public static string Get(JsonElement e)
    {
        try
        {
            return e.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return Unescape(e.GetRawText(), 0, out _);
        }
    }

    /// <summary>The property's name.</summary>
    public static string Name(JsonProperty p)
    {
        try
        {
            return p.Name;
        }
        catch (InvalidOperationException)
        {
            // ToString() is the property's raw JSON, starting with its quoted name.
            return Unescape(p.ToString(), 0, out _);
        }
    }

    /// <summary>Decodes the JSON string literal that starts at <paramref name="start"/> (a '"').</summary>
    private static string Unescape(string raw, int start, out int end)
    {
        var sb = new StringBuilder();
        var i = start + 1;
        for (; i < raw.Length && raw[i] != '"'; i++)
        {
            var c = raw[i];
            if (c != '\\' || i + 1 >= raw.Length)
            {
                sb.Append(c);
                continue;
            }
            c = raw[++i];
            switch (c)
            {
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u' when i + 4 < raw.Length && ushort.TryParse(raw.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(c); break; // \" \\ \/
            }
        }
        end = i;
        // Pair what pairs; every other surrogate becomes U+FFFD.
        for (var k = 0; k < sb.Length; k++)
        {
            if (char.IsHighSurrogate(sb[k]) && k + 1 < sb.Length && char.IsLowSurrogate(sb[k + 1])) { k++; continue; }
            if (char.IsSurrogate(sb[k])) sb[k] = '\uFFFD';
        }
        return sb.ToString();
    }
}
