using System.Security.Cryptography;
using ElectionFunctions.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ElectionFunctions.LocalHost;

/// <summary>Development bearer tokens, signed with the local key that the local host validates against.</summary>
public static class DevelopmentTokens
{
    public static string DefaultKeyFile =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".electionfunctions", "dev-signing-key.pem");

    /// <summary>Creates the local RSA key on first use; it never leaves this machine.</summary>
    public static void EnsureKey(string path)
    {
        if (File.Exists(path)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var rsa = RSA.Create(2048);
        var temporary = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temporary, rsa.ExportRSAPrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try { File.Move(temporary, path); }
        catch (IOException) { File.Delete(temporary); } // another process made it first
    }

    public static string Create(SecurityKey key, string issuer, string audience, string partner, IEnumerable<string> roles,
        DateTimeOffset now, TimeSpan lifetime, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, algorithm),
            Claims = new Dictionary<string, object>
            {
                ["azp"] = partner,
                ["appid"] = partner,
                ["sub"] = partner,
                ["oid"] = partner,
                ["tid"] = "00000000-0000-0000-0000-000000000000",
                ["ver"] = "2.0",
                ["roles"] = roles.ToArray(),
            },
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary><c>token [--partner P] [--roles "A B"] [--minutes N]</c>: prints only the token.</summary>
    public static int Print(string[] args, IConfiguration configuration)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && args[i + 1].Length > 0 ? args[i + 1] : fallback;
        }
        var keyFile = configuration[$"{DevelopmentAuthOptions.Section}:SigningKeyFile"]!;
        EnsureKey(keyFile);
        var token = Create(DevelopmentAuthOptions.LoadKey(keyFile),
            configuration[$"{DevelopmentAuthOptions.Section}:Issuer"] ?? new DevelopmentAuthOptions().Issuer,
            configuration["AzureAd:ClientId"]!,
            Arg("--partner", "demo-partner"),
            Arg("--roles", $"{AppRoles.Submit} {AppRoles.Read}").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            DateTimeOffset.UtcNow,
            TimeSpan.FromMinutes(int.Parse(Arg("--minutes", "480"), System.Globalization.CultureInfo.InvariantCulture)));
        Console.Out.WriteLine(token);
        return 0;
    }
}
