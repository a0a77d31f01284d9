using System.Text.Json.Nodes;

namespace AmiAudit.Core.Policies;

/// <summary>Schema of a waivers file (validated at load, like policies).</summary>
public static class WaiverSchema
{
    public static string Generate() => PolicySchema.Render(new JsonObject
    {
        ["$schema"] = "http://json-schema.org/draft-07/schema#",
        ["title"] = "AmiAudit waivers",
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["required"] = PolicySchema.Strings("apiVersion", "kind", "waivers"),
        ["properties"] = new JsonObject
        {
            ["apiVersion"] = new JsonObject { ["enum"] = PolicySchema.Strings(PolicySchema.ApiVersion) },
            ["kind"] = new JsonObject { ["enum"] = PolicySchema.Strings(WaiverLoader.Kind) },
            ["waivers"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = PolicySchema.Strings("rule", "reason", "owner", "expires"),
                    ["properties"] = new JsonObject
                    {
                        ["rule"] = PolicySchema.Text("Rule id; glob (* ?) allowed.", minLength: 1),
                        ["target"] = PolicySchema.Text("Glob on the target name (hostname, image id or root); default every target."),
                        ["subject"] = PolicySchema.Text("Glob on the finding subject (unit, container, URL…); default every subject."),
                        ["reason"] = PolicySchema.Text("Why this failure is accepted.", minLength: 1),
                        ["owner"] = PolicySchema.Text("Who signed off (team or person).", minLength: 1),
                        ["expires"] = PolicySchema.Text("Last day the waiver applies (yyyy-mm-dd, UTC); after it the waiver is itself a failure.",
                            pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                    },
                },
            },
        },
    });
}
