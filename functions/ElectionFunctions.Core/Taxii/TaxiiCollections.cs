using ElectionFunctions.Intake;
using ElectionFunctions.Security;

namespace ElectionFunctions.Taxii;

/// <summary>A TAXII collection: a partner's, written only by it, or an agency's, read only by that agency's principal.</summary>
public sealed record TaxiiCollection(string Id, string Title, string Description, bool CanRead, bool CanWrite, string? PartnerId, string? Agency);

/// <summary>
/// The collections and who sees them. Ids are derived from the owner, so they are stable across deployments. A caller sees only
/// its own: a registered partner its push collection, an agency principal its agency's; any other id is not found, so
/// the answer says nothing about who else is served.
/// </summary>
public static class TaxiiCollections
{
    public static string ForPartner(string partnerId) => Identifier("taxii-collection:partner:" + partnerId);

    public static string ForAgency(string agency) => Identifier("taxii-collection:agency:" + agency);

    /// <summary>TAXII identifiers are version 4 UUIDs (TAXII 2.1, 1.6.6): a name's hash with the version 4 bits, stable and random-looking.</summary>
    private static string Identifier(string name)
    {
        var bytes = Reporting.PackageStix.Uuid5(name).ToByteArray(bigEndian: true);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    public static IReadOnlyList<TaxiiCollection> VisibleTo(Caller caller)
    {
        var visible = new List<TaxiiCollection>();
        if (caller.Partner is { } partner && caller.Roles.Contains(AppRoles.Submit))
            visible.Add(new(ForPartner(partner.Id), $"{partner.DisplayName}: reports in", "POST STIX 2.1 objects here; each envelope goes through intake as POST /api/reports does.",
                CanRead: false, CanWrite: true, partner.Id, null));
        foreach (var agency in caller.Roles.Select(AppRoles.AgencyOf).OfType<string>().Where(Vocabulary.Agencies.Contains).Order(StringComparer.Ordinal))
            visible.Add(new(ForAgency(agency), $"{agency.ToUpperInvariant()}: routed reports", $"Every report routed to {agency.ToUpperInvariant()}, as STIX 2.1, TLP-marked.",
                CanRead: true, CanWrite: false, null, agency));
        return visible;
    }

    public static TaxiiCollection? Find(Caller caller, string id) => VisibleTo(caller).FirstOrDefault(c => c.Id == id);
}

/// <summary>
/// On every TAXII function: partners (Reports.Submit, resolved and rate-limited when registered) push and each agency's
/// principal (Agency.*) pulls on the same routes; which collection a caller sees is <see cref="TaxiiCollections"/>'.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TaxiiCallerAttribute : RequiresRoleAttribute
{
    public TaxiiCallerAttribute() : base(AppRoles.Submit, AppRoles.AgencyOdni, AppRoles.AgencyDhs, AppRoles.AgencyDoj, AppRoles.AgencyTreasury) =>
        PartnerIfRegistered = true;
}
