using ElectionFunctions.Acknowledgements;
using ElectionFunctions.Http;
using ElectionFunctions.Intake;
using ElectionFunctions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace ElectionFunctions.Functions.Acknowledgements;

/// <summary>Agencies acknowledge, partners follow up, and a timer raises what stays unacknowledged (issue 20).</summary>
public sealed class AcknowledgementFunctions(AcknowledgementHandler acknowledgements, FollowUpHandler followUps, OverdueAcknowledgements overdue)
{
    [Function("AcknowledgeReport")]
    [RequiresRole(AppRoles.AgencyOdni, AppRoles.AgencyDhs, AppRoles.AgencyDoj, AppRoles.AgencyTreasury)]
    public Task<Results<Created<AcknowledgementResponse>, Ok<AcknowledgementResponse>, ProblemResult>> AcknowledgeReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/agencies/{agency}/acknowledgements")] HttpRequest request,
        string agency,
        CancellationToken cancellationToken) =>
        acknowledgements.AcknowledgeAsync(request, agency, request.HttpContext.Caller(), cancellationToken);

    [Function("FollowUpReport")]
    [RequiresRole(AppRoles.Submit, RegisteredPartner = true)]
    public Task<Results<Accepted<SubmitResponse>, ProblemResult>> FollowUpReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/reports/{reportId}/follow-ups")] HttpRequest request,
        string reportId,
        CancellationToken cancellationToken) =>
        followUps.FollowUpAsync(request, reportId, request.HttpContext.Partner(), cancellationToken);

    /// <summary>Every minute by default; the schedule is the app setting AcknowledgementSchedule (NCRONTAB, six fields).</summary>
    [Function("CheckAcknowledgements")]
    public Task CheckAcknowledgements(
        [TimerTrigger("%" + AcknowledgementOptions.ScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        overdue.CheckAsync(cancellationToken);
}
