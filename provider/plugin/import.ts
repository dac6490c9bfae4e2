/**
 * Import ids (pure). `pulumi import` and the `import` option send a Read with an id and no
 * properties; these turn the id into the inputs a read needs.
 *   VpcepConnectionApproval: `<clusterId>/<endpointId>,<endpointId>`
 *   VpcepService:            `<clusterId>`
 */
export function approvalImportInputs(id: string): Record<string, unknown> {
  const slash = id.indexOf("/");
  const clusterId = slash < 0 ? id : id.slice(0, slash);
  const endpointIds = slash < 0 ? [] : id.slice(slash + 1).split(",").map((s) => s.trim()).filter(Boolean);
  if (!clusterId || endpointIds.length === 0) {
    throw new Error(`cannot import VpcepConnectionApproval "${id}": the id is <clusterId>/<endpointId>[,<endpointId>...]`);
  }
  return { clusterId, endpointIds };
}

export function serviceImportInputs(id: string): Record<string, unknown> {
  if (!id || id.includes("/")) throw new Error(`cannot import VpcepService "${id}": the id is the cluster id`);
  return { clusterId: id };
}
