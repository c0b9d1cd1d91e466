// The beneficiary list's search, filter and page, kept in memory only so that going to a
// record and back keeps the officer's place (nothing is written to the webview's storage).

export const listState = $state({ text: '', ward: '', offset: 0 });

export function resetListState(): void {
  listState.text = '';
  listState.ward = '';
  listState.offset = 0;
}
