namespace AmiAudit.Core.Redaction;

/// <summary>
/// Decides whether a name (query parameter, shell variable, CLI flag, YAML/JSON key) names a secret.
/// One rule for every place so a reader of docs/security.md can predict what is redacted.
/// </summary>
public static class SecretNames
{
    /// <summary>Query parameters that carry a credential or signature, compared case-insensitively.</summary>
    private static readonly HashSet<string> QueryKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature", "sig", "token",
        "access_token", "id_token", "refresh_token", "apikey", "api_key", "api-key", "key", "password",
        "passwd", "pwd", "secret", "client_secret", "awsaccesskeyid", "x-goog-signature", "x-goog-credential",
        "auth", "authorization", "code", "jwt",
    };

    /// <summary>Name parts (split on _ - .) that make a variable or flag secret: KEY, TOKEN, SECRET …</summary>
    private static readonly HashSet<string> SecretParts = new(StringComparer.OrdinalIgnoreCase)
    {
        "token", "secret", "password", "passwd", "pass", "passphrase", "pwd", "credential", "credentials",
        "apikey", "key", "sig", "signature", "auth", "cookie", "bearer", "privatekey", "jwt",
    };

    /// <summary>Substrings that make a name secret even without separators (GITHUBTOKEN, DBPASSWORD).</summary>
    private static readonly string[] SecretSubstrings = ["token", "secret", "password", "passwd", "apikey", "credential"];

    /// <summary>
    /// A last name part that says the value is a *reference* to a secret, not the secret: TOKEN_FILE,
    /// KEY_PATH, SECRET_NAME, SSH_KEY_URL. Their values are kept (useful evidence, not a credential);
    /// URLs inside them are still redacted by the URL rules.
    /// </summary>
    private static readonly HashSet<string> ReferenceSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "file", "path", "dir", "directory", "location", "name", "type", "url", "uri", "endpoint", "arn",
        "length", "size", "algorithm", "alg", "ttl", "expiry", "expires", "id_file", "ref", "env",
    };

    /// <summary>Shell variables whose names match the parts rule but hold no secret.</summary>
    private static readonly HashSet<string> NotSecret = new(StringComparer.Ordinal) { "PWD", "OLDPWD" };

    public static bool IsSecretQueryKey(string name)
    {
        var n = name.Trim();
        if (QueryKeys.Contains(n)) return true;
        var lower = n.ToLowerInvariant();
        return lower.Contains("token", StringComparison.Ordinal) || lower.Contains("secret", StringComparison.Ordinal)
               || lower.Contains("password", StringComparison.Ordinal) || lower.Contains("signature", StringComparison.Ordinal)
               || lower.Contains("credential", StringComparison.Ordinal) || IsSecretName(n);
    }

    /// <summary>True for AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN, db-password, --bootstrap-token, secretAccessKey,
    /// com.example.api-key; false for KUBELET_EXTRA_ARGS, TOKEN_FILE, tokenFile, KEYRING, PWD.</summary>
    public static bool IsSecretName(string name)
    {
        var n = name.Trim().TrimStart('-');
        if (n.Length == 0 || NotSecret.Contains(n)) return false;
        var parts = Parts(n);
        if (parts.Count == 0) return false;
        if (parts.Count > 1 && ReferenceSuffixes.Contains(parts[^1])) return false;
        if (parts.Any(SecretParts.Contains)) return true;
        var lower = n.ToLowerInvariant();
        return SecretSubstrings.Any(s => lower.Contains(s, StringComparison.Ordinal));
    }

    /// <summary>Name parts: split on <c>_ - . /</c> and at camelCase humps (<c>secretAccessKey</c> → secret, Access,
    /// Key; <c>SSHKey</c> → SSH, Key), so JSON/YAML keys and label names follow the same rule as shell variables.</summary>
    private static List<string> Parts(string name)
    {
        var parts = new List<string>();
        foreach (var piece in name.Split(['_', '-', '.', '/'], StringSplitOptions.RemoveEmptyEntries))
        {
            var start = 0;
            for (var i = 1; i < piece.Length; i++)
            {
                var hump = (char.IsLower(piece[i - 1]) || char.IsDigit(piece[i - 1])) && char.IsUpper(piece[i])
                           || (char.IsUpper(piece[i - 1]) && char.IsUpper(piece[i]) && i + 1 < piece.Length && char.IsLower(piece[i + 1]));
                if (!hump) continue;
                parts.Add(piece[start..i]);
                start = i;
            }
            parts.Add(piece[start..]);
        }
        return parts;
    }
}
