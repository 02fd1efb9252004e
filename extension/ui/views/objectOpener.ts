// Opening a live object in Inspected Objects, as one service the commands and the partition panel
// share (instead of each reaching the inspector through a command or a static hook).
import type * as vscode from 'vscode';
import type { ObjectSummary } from '../../core/types';
import type { InspectedRoot, InspectorNode, InspectorTree } from './inspectorTree';

export class ObjectOpener {
  constructor(private readonly inspector: InspectorTree, private readonly view: vscode.TreeView<InspectorNode>) {}

  async open(sessionId: string, summary: ObjectSummary): Promise<InspectedRoot> {
    const root = this.inspector.add(sessionId, summary);
    await this.view.reveal(root, { select: true, focus: true, expand: true }).then(undefined, () => undefined);
    return root;
  }

  /** True while Inspected Objects still shows the handle: other views must not release it. */
  holds(sessionId: string, handle: string): boolean {
    return this.inspector.holds(sessionId, handle);
  }
}
