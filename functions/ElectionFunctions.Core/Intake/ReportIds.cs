using System.Security.Cryptography;
using System.Text;

namespace ElectionFunctions.Intake;

/// <summary>Report ids: 32 lower-case hex characters derived from the partner and the request, so a retry finds the same id.</summary>
public static class ReportIds
{
    public static string ForKey(string partnerId, string idempotencyKey) => Derive(partnerId, "key", idempotencyKey);

    public static string ForBody(string partnerId, string sha256) => Derive(partnerId, "sha256", sha256);

    /// <summary>One of several reports in one submission (a bundle's report objects): the submission's key or hash, and the object.</summary>
    public static string ForPart(string partnerId, string submission, string source) => Derive(partnerId, "part", $"{submission}\n{source}");

    /// <summary>A report known by its STIX identity (object id and version, TAXII push): the same object pushed again is the same report.</summary>
    public static string ForObject(string partnerId, string identity) => Derive(partnerId, "stix", identity);

    /// <summary>Where the partner polls the report: GET /api/reports/{id} on the host it called.</summary>
    public static string StatusUrl(Microsoft.AspNetCore.Http.HttpRequest request, string reportId) =>
        $"{request.Scheme}://{request.Host}/api/reports/{reportId}";

    public static bool IsValid(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private static string Derive(string partnerId, string kind, string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{partnerId}\n{kind}\n{value}")))[..32];
}
