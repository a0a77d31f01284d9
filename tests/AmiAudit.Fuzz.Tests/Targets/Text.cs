using System.Text;

namespace AmiAudit.Fuzz.Targets;

internal static class Text
{
    /// <summary>As RootFileSystem.ReadText and the probes' BoundedReader decode: UTF-8, invalid bytes replaced.</summary>
    public static string Of(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
