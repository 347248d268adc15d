using ElectionFunctions.Http;
using ElectionFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectionFunctions.Intake;

/// <summary>GET /api/reports/{id}: a partner's view of its own report (status, TLP, categories, reasons, routing).</summary>
public sealed class ReportStatusHandler(ReportStore reports)
{
    public async Task<Results<Ok<ReportStatusResponse>, ProblemResult>> GetAsync(string reportId, PartnerInfo partner, CancellationToken cancellationToken)
    {
        var stored = ReportIds.IsValid(reportId) ? await reports.ReadAsync(reportId, cancellationToken).ConfigureAwait(false) : null;
        // Another partner's report is answered exactly like a missing one: its existence is not disclosed.
        if (stored is null || stored.Value.PartnerId != partner.Id) return Problems.NotFound("No report with this id for this partner.");

        var d = stored.Value;
        return TypedResults.Ok(new ReportStatusResponse(d.Id, d.Status, d.ReceivedAt, d.Sha256, d.ElectionId, d.Tlp, d.TlpSource,
            d.Classification?.Categories ?? [], d.Classification?.Severity,
            [.. d.IntakeReasons, .. d.Classification?.Reasons ?? [], .. d.RoutingReasons], [.. d.Routing.Select(r => d.Acknowledgements.FirstOrDefault(a => a.Agency == r.Agency) is { } a
                ? new AgencyStatus(r.Agency, r.Status, r.At, a.AcknowledgedAt, a.Disposition, a.Question, a.Reason)
                : new AgencyStatus(r.Agency, r.Status, r.At))], d.FailureReason)
        {
            AmendmentOf = d.AmendmentOf,
            Amendments = d.Amendments.Count > 0 ? [.. d.Amendments.Select(a => a.ReportId)] : null,
        });
    }
}
