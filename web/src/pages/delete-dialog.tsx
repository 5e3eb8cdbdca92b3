/**
 * "Delete" on the Identities page: asks in the in-page dialog what the deletion does, and shows
 * the server's message there when it refuses (a group an identity source maps to, say).
 */
import { ConfirmDialog } from '../components/ui.tsx';

export function DeleteDialog(props: {
  /** "group", "app", "service", "robot". */
  kind: string;
  name: string;
  /** What deleting it does, in one sentence. */
  consequence: string;
  remove: () => Promise<unknown>;
  onDeleted: () => void;
  onCancel: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Delete the ${props.kind} ${props.name}?`}
      confirmLabel="Delete"
      onCancel={props.onCancel}
      onConfirm={async () => {
        await props.remove();
        props.onDeleted();
      }}
    >
      <p>{props.consequence}</p>
    </ConfirmDialog>
  );
}
