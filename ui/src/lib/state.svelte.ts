/**
 * The app's live state (Svelte 5 runes). Components read it and call its methods;
 * the logic they rely on lives in the pure modules (params, tasks, actions, format).
 */
import type { Action } from './bindings/Action';
import type { ActionInput } from './bindings/ActionInput';
import type { AppState } from './bindings/AppState';
import type { CreditsChanged } from './bindings/CreditsChanged';
import type { GalleryImage } from './bindings/GalleryImage';
import type { KeyCheck } from './bindings/KeyCheck';
import type { ModelInfo } from './bindings/ModelInfo';
import type { ProviderKind } from './bindings/ProviderKind';
import type { PromptPlan } from './bindings/PromptPlan';
import type { ProviderStatus } from './bindings/ProviderStatus';
import type { QueuedView } from './bindings/QueuedView';
import type { Settings } from './bindings/Settings';
import type { SheetCell } from './bindings/SheetCell';
import type { Submitted } from './bindings/Submitted';
import type { TaskView } from './bindings/TaskView';
import { errorMessage, NO_BACKEND_MESSAGE } from './errors';
import { PROVIDER_KINDS, validateHttpUrl } from './format';
import { hasBraces } from './groups';
import * as ipc from './ipc';
import { NO_INPUT } from './actionInputs';
import { markStartup } from './startup';
import { getParam, parsePrompt, validatePrompt } from './params';
import type { View } from './shortcuts';
import { applyProgress, mergeTasks, upsertTask } from './tasks';
import { loadPlace } from './place';

/**
 * How many task cards the Create feed renders at first: enough to fill a tall screen (a
 * finished card is ~800 px), few enough that start-up builds little (bench-startup --lived-in).
 */
export const FEED_FIRST = 4;
/** How many more it renders each time the person nears its end (or presses "Show more"). */
export const FEED_BATCH = 12;

/** What the pickers show before the core has answered (names only; nothing is faked). */
/** Midjourney, the one model every provider runs (before the core has said more). */
const MIDJOURNEY: ModelInfo = {
  id: 'midjourney',
  name: 'Midjourney',
  group: 'midjourneyGrid',
  needsImage: false,
  synchronous: false,
};

function placeholderProviders(): ProviderStatus[] {
  return PROVIDER_KINDS.map((provider) => ({
    provider,
    // Until the core answers (a few milliseconds at start): its names come with the state.
    name: provider,
    demo: false,
    keySet: false,
    keyLast4: null,
    baseUrl: '',
    baseUrlFromEnv: false,
    keyUrl: '',
    models: [MIDJOURNEY],
    acceptsOtherModels: false,
    credits: null,
  }));
}

/** What is being done to a waiting job: moved up or down, sent now, or cancelled. */
export type QueueWork = 'up' | 'down' | 'send' | 'cancel';

/** `record` with `key` set to `value`, or without `key` when `value` is null (a new object). */
function withEntry<T>(record: Record<string, T>, key: string, value: T | null): Record<string, T> {
  const next = { ...record };
  if (value) next[key] = value;
  else delete next[key];
  return next;
}

export class AppStore {
  /** The view on screen: where the person left it (see place.ts), else Create. */
  view = $state<View>(loadPlace().view);

  appState = $state<AppState | null>(null);
  stateError = $state<string | null>(null);
  /** Set when the page runs without the Rust core (plain `npm run dev` in a browser). */
  noBackend = $state(false);

  tasks = $state<TaskView[]>([]);
  tasksLoaded = $state(false);
  tasksError = $state<string | null>(null);
  /**
   * How many of `tasks` the Create feed renders (the newest first); the rest come as the
   * person scrolls (TaskFeed), or at once when a card further down is asked for (`showTask`).
   */
  feedShown = $state(FEED_FIRST);

  // The composer. The prompt string is the one source of truth for parameters.
  prompt = $state('');
  provider = $state<ProviderKind>('linkr');
  model = $state('midjourney');
  referenceUrl = $state('');
  composerError = $state<string | null>(null);
  submitting = $state(false);
  /** Bumped to ask the composer to focus the prompt box. */
  focusPromptRequest = $state(0);
  /**
   * What the core says a prompt with braces (`a {red, blue} bird`) makes: its prompts, their
   * cost, or why it cannot be sent. Null for a prompt without braces (see `refreshPlan`).
   */
  plan = $state<PromptPlan | null>(null);

  /** The permutation group whose contact sheet is open (null when none is). */
  sheetGroupId = $state<string | null>(null);
  /** An image the gallery's lightbox is asked to show (a contact sheet cell was opened). */
  imageRequest = $state<GalleryImage | null>(null);

  /** Per task: the sentence of the last failed action / retry / cancel. */
  cardErrors = $state<Record<string, string>>({});
  /** Per task: a quiet sentence about the last thing done on the card (not an error). */
  cardNotes = $state<Record<string, string>>({});
  /** Per task: the id of the action being sent ('retry' / 'cancel' for those). */
  busy = $state<Record<string, string>>({});
  /** A card to scroll to and highlight briefly (the "from …" link). */
  flashTaskId = $state<string | null>(null);

  /**
   * The jobs waiting in Atelier's local queue for a free slot at their provider ("jobs at
   * once"), first in line first. Shown as "Waiting" cards above the tasks.
   */
  queue = $state<QueuedView[]>([]);
  /** Why the waiting jobs could not be listed (null when they were). */
  queueError = $state<string | null>(null);
  /** Per waiting job: what is being done to it ('up', 'down', 'send' or 'cancel'). */
  queueBusy = $state<Record<string, QueueWork>>({});
  /** Per waiting job: the sentence of the last Move / Send now / Cancel that failed. */
  queueErrors = $state<Record<string, string>>({});

  providers = $derived<ProviderStatus[]>(this.appState?.providers ?? placeholderProviders());
  /** The aspect ratios the providers take (the core's one list), in the order to offer them. */
  aspectRatios = $derived<readonly string[]>(this.appState?.rules.aspectRatios ?? []);
  /** The seconds between polls the providers ask for (the core's rule). */
  pollRange = $derived({
    min: this.appState?.rules.minPollSecs ?? 5,
    max: this.appState?.rules.maxPollSecs ?? 10,
  });

  /** A provider's product name ("LinkrAPI"), as the core words it. */
  providerName(kind: string): string {
    return this.providers.find((p) => p.provider === kind)?.name ?? kind;
  }

  /**
   * A model's name as people read it ("Flux Pro"), as the core words it; a name the core does
   * not list (typed through "Other model...") shows as it was typed.
   */
  modelName(model: string, provider?: string): string {
    const lists = provider ? this.providers.filter((p) => p.provider === provider) : this.providers;
    for (const p of lists) {
      const info = p.models.find((m) => m.id === model);
      if (info) return info.name;
    }
    return model;
  }
  currentProvider = $derived<ProviderStatus | undefined>(
    this.providers.find((p) => p.provider === this.provider),
  );
  /** The current provider's models with their groups, the default first. */
  modelInfos = $derived<ModelInfo[]>(
    this.currentProvider?.models?.length ? this.currentProvider.models : [MIDJOURNEY],
  );
  models = $derived<string[]>(this.modelInfos.map((m) => m.id));
  /** True when the current provider takes a model name it does not list (JourneyAPI). */
  acceptsOtherModels = $derived(this.currentProvider?.acceptsOtherModels ?? false);
  /** What the core knows of the chosen model; null for a name typed in under "Other". */
  modelInfo = $derived<ModelInfo | null>(this.modelInfos.find((m) => m.id === this.model) ?? null);
  /** True while the person types a model name of their own ("Other model"). */
  otherModel = $state(false);

  #composerTouched = false;
  /** The composer (provider, model, prompt) `plan` answers for, and how many plans were asked. */
  #planFor = '';
  #plansAsked = 0;
  /**
   * How many `queue-changed` events came in. An answer that carries the queue (or a job) is
   * only applied when no event came in since it was asked: the event is the newer word.
   */
  #queueEvents = 0;
  #unlisten: (() => void) | null = null;
  #starting: Promise<void> | null = null;

  /**
   * Connects to the core: live updates, app state and the task list. Idempotent (main.ts
   * starts it before the first render, see `startApp`; App's onMount asks again). The three
   * requests go out together; the listener's request goes first,
   * and if the task list came back before the listener was up, it is read once more so an
   * event that fell between the two is not lost.
   */
  init(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.noBackend = !ipc.hasBackend();
    if (this.noBackend) {
      // A plain browser tab (`npm run dev` without the shell): say so once, fake nothing.
      this.stateError = NO_BACKEND_MESSAGE;
      this.tasksLoaded = true;
      return;
    }
    let listening = this.#unlisten !== null;
    const listen = this.#unlisten
      ? Promise.resolve()
      : Promise.all([
          ipc.onTaskUpdate((event) => this.upsert(event.task)),
          ipc.onTaskProgress((progress) => {
            this.tasks = applyProgress(this.tasks, progress);
          }),
          // A click on a task's OS notification: its card, in Create.
          ipc.onShowTask(({ taskId }) => this.showTask(taskId)),
          // The whole local queue, whenever it changes.
          ipc.onQueueChanged((queue) => {
            this.#queueEvents++;
            this.#setQueue(queue);
          }),
          // A provider's credits after one of its tasks ended: the rail shows them.
          ipc.onCreditsChanged((change) => this.setCredits(change)),
        ]).then(
          ([
            unlistenUpdates,
            unlistenProgress,
            unlistenShowTask,
            unlistenQueue,
            unlistenCredits,
          ]) => {
            this.#unlisten = () => {
              unlistenUpdates();
              unlistenProgress();
              unlistenShowTask();
              unlistenQueue();
              unlistenCredits();
            };
            listening = true;
            markStartup('listening');
          },
          (error: unknown) => {
            this.tasksError = `Live updates are off: ${errorMessage(error)}`;
          },
        );
    const tasks = this.loadTasks().then(() => listening);
    const queue = this.loadQueue().then(() => listening);
    const [, , tasksAfterListen, queueAfterListen] = await Promise.all([
      listen,
      this.loadState(),
      tasks,
      queue,
    ]);
    if (!tasksAfterListen && this.#unlisten) void this.loadTasks();
    if (!queueAfterListen && this.#unlisten) void this.loadQueue();
    markStartup('loaded');
  }

  destroy(): void {
    this.#unlisten?.();
    this.#unlisten = null;
    this.#starting = null;
  }

  async loadState(): Promise<void> {
    this.stateError = null;
    try {
      this.applyAppState(await ipc.getAppState());
    } catch (error) {
      this.stateError = errorMessage(error);
    }
  }

  async loadTasks(): Promise<void> {
    try {
      const fresh = await ipc.listTasks();
      this.#setTasks(mergeTasks(this.tasks, fresh));
      this.tasksError = null;
    } catch (error) {
      this.tasksError = errorMessage(error);
    } finally {
      this.tasksLoaded = true;
    }
  }

  /** Reads the local queue (at start; afterwards `queue-changed` keeps it current). */
  async loadQueue(): Promise<void> {
    const mark = this.#queueEvents;
    try {
      this.#applyQueue(await ipc.listQueue(), mark);
      this.queueError = null;
    } catch (error) {
      this.queueError = `The waiting jobs could not be listed: ${errorMessage(error)}`;
    }
  }

  applyAppState(state: AppState): void {
    this.appState = state;
    if (!this.#composerTouched) {
      this.provider = state.settings.defaultProvider;
      this.model = state.settings.defaultModel;
    }
    this.#fixModel();
  }

  /** A provider's credits changed (a task of it ended): the rail shows the new figure. */
  setCredits({ provider, credits }: CreditsChanged): void {
    if (!this.appState) return;
    this.appState = {
      ...this.appState,
      providers: this.appState.providers.map((p) =>
        p.provider === provider ? { ...p, credits } : p,
      ),
    };
  }

  #fixModel(): void {
    const keep = this.acceptsOtherModels && this.model.trim() !== '';
    if (!this.models.includes(this.model) && !keep) this.model = this.models[0];
    this.otherModel = this.acceptsOtherModels && !this.models.includes(this.model);
  }

  setProvider(provider: ProviderKind): void {
    this.#composerTouched = true;
    this.provider = provider;
    this.#fixModel();
  }

  setModel(model: string): void {
    this.#composerTouched = true;
    this.model = model;
  }

  /** Chooses "Other model": the person types a name the app does not list. */
  chooseOtherModel(): void {
    if (!this.acceptsOtherModels) return;
    this.#composerTouched = true;
    this.otherModel = true;
    if (this.models.includes(this.model)) this.model = '';
  }

  /** Leaves "Other model" for one of the listed models. */
  chooseListedModel(model: string): void {
    this.otherModel = false;
    this.setModel(model);
  }

  upsert(view: TaskView): void {
    this.#setTasks(upsertTask(this.tasks, view));
  }

  /**
   * Replaces the task list, keeping the feed's window on the same cards: tasks that arrive
   * above the last rendered card raise `feedShown` by as many (nothing is pushed out).
   */
  #setTasks(next: TaskView[]): void {
    const shown = Math.min(this.feedShown, this.tasks.length);
    const last = shown > 0 ? this.tasks[shown - 1].task.id : null;
    this.tasks = next;
    if (last === null) return;
    const at = next.findIndex((v) => v.task.id === last);
    if (at >= this.feedShown) this.feedShown = at + 1;
  }

  /** Makes the feed render every card down to `index` (0-based in `tasks`). */
  showFeedUpTo(index: number): void {
    if (index >= this.feedShown) this.feedShown = index + 1;
  }

  /** Makes the feed render the next batch of cards. */
  showMoreFeed(): void {
    this.feedShown = Math.min(this.feedShown, this.tasks.length) + FEED_BATCH;
  }

  /**
   * Takes in what the core answered to a prompt, a button or a retry: a task sent goes to the
   * feed; a job queued goes to the queue, unless a `queue-changed` event came in since `mark`
   * (the event is newer; by then the job may even be sent). Without a mark only the event
   * updates the queue.
   */
  accept(answer: Submitted, mark: number | null = null): void {
    if (answer.type === 'sent') {
      this.upsert(answer.task);
    } else if (mark !== null && mark === this.#queueEvents) {
      // A permutation group's jobs join the queue like one queued job each.
      const jobs = answer.type === 'group' ? answer.queued : [answer.job];
      let queue = this.queue;
      for (const job of jobs) {
        const at = queue.findIndex((j) => j.id === job.id);
        queue = at >= 0 ? queue.map((j) => (j.id === job.id ? job : j)) : [...queue, job];
      }
      this.#setQueue(queue);
    }
  }

  #setQueue(queue: QueuedView[]): void {
    this.queue = queue;
    // Sentences about jobs that are no longer waiting go with them.
    const waiting = (id: string) => queue.some((j) => j.id === id);
    if (!Object.keys(this.queueErrors).every(waiting)) {
      this.queueErrors = Object.fromEntries(
        Object.entries(this.queueErrors).filter(([id]) => waiting(id)),
      );
    }
  }

  /** Sets the queue from an answer asked at `mark`, unless a newer event came in since. */
  #applyQueue(queue: QueuedView[], mark: number): void {
    if (mark === this.#queueEvents) this.#setQueue(queue);
  }

  #setQueueError(jobId: string, message: string | null): void {
    this.queueErrors = withEntry(this.queueErrors, jobId, message);
  }

  #setQueueBusy(jobId: string, what: QueueWork | null): void {
    this.queueBusy = withEntry(this.queueBusy, jobId, what);
  }

  /** Runs `work` on a waiting job: one thing at a time per job; a failure shows on its card. */
  async #onJob(job: QueuedView, what: QueueWork, work: (mark: number) => Promise<void>) {
    const id = job.id;
    if (this.queueBusy[id]) return;
    this.#setQueueError(id, null);
    this.#setQueueBusy(id, what);
    try {
      await work(this.#queueEvents);
    } catch (error) {
      this.#setQueueError(id, errorMessage(error));
    } finally {
      this.#setQueueBusy(id, null);
    }
  }

  /** "Move up" (-1) / "Move down" (+1): a waiting job's place among its provider's jobs. */
  moveQueued(job: QueuedView, by: number): Promise<void> {
    return this.#onJob(job, by < 0 ? 'up' : 'down', async (mark) => {
      this.#applyQueue(await ipc.moveQueued(job.id, by), mark);
    });
  }

  /** "Cancel" on a waiting job: out of the queue, nothing sent. */
  cancelQueued(job: QueuedView): Promise<void> {
    return this.#onJob(job, 'cancel', async (mark) => {
      this.#applyQueue(await ipc.cancelQueued(job.id), mark);
    });
  }

  /**
   * "Send now": the job goes out at once whatever the free slots. On a refusal the card says
   * why (the core keeps the job waiting with the reason).
   */
  sendQueuedNow(job: QueuedView): Promise<void> {
    return this.#onJob(job, 'send', async (mark) => {
      const answer = await ipc.sendQueuedNow(job.id);
      this.accept(answer, mark);
      if (answer.type === 'sent' && mark === this.#queueEvents) {
        this.#setQueue(this.queue.filter((j) => j.id !== job.id));
      }
    });
  }

  findTask(id: string | null | undefined): TaskView | undefined {
    return id ? this.tasks.find((v) => v.task.id === id) : undefined;
  }

  #setCardError(taskId: string, message: string | null): void {
    this.cardErrors = withEntry(this.cardErrors, taskId, message);
  }

  #setBusy(taskId: string, what: string | null): void {
    this.busy = withEntry(this.busy, taskId, what);
  }

  /** What the plan is asked for: the composer's provider, model and prompt. */
  #planKey(): string {
    return JSON.stringify([this.provider, this.model || null, this.prompt.trim()]);
  }

  /** The plan when it answers for the composer as it is now, else null. */
  #currentPlan(): PromptPlan | null {
    return this.plan && this.#planFor === this.#planKey() ? this.plan : null;
  }

  /**
   * Asks the core what the composer's prompt makes (`plan`); without braces there is no plan
   * and nothing is asked. An answer to an older question is dropped. Rejects when the core
   * could not answer (the plan is then cleared).
   */
  async refreshPlan(): Promise<PromptPlan | null> {
    const asked = ++this.#plansAsked;
    const prompt = this.prompt.trim();
    if (!hasBraces(prompt)) {
      this.plan = null;
      this.#planFor = '';
      return null;
    }
    const key = this.#planKey();
    try {
      const plan = await ipc.planPrompt(this.provider, prompt, this.model || null);
      if (asked === this.#plansAsked) {
        this.plan = plan;
        this.#planFor = key;
      }
      return plan;
    } catch (error) {
      if (asked === this.#plansAsked) {
        this.plan = null;
        this.#planFor = '';
      }
      throw error;
    }
  }

  /** Checks the composer; the sentence to show, or null when it can be sent. */
  composerProblem(): string | null {
    if (!this.prompt.trim()) return 'The prompt is empty. Type what you want to see.';
    const plan = hasBraces(this.prompt) ? this.#currentPlan() : null;
    if (hasBraces(this.prompt) && !plan) {
      return 'The prompt changed while it was being checked. Press Imagine again.';
    }
    if (plan?.problem) return plan.problem;
    if (!parsePrompt(this.prompt).text) {
      return 'Add some words before the parameters: they describe the image.';
    }
    // A permutation prompt's template (`--ar {1:1, 16:9}`) is not a prompt by itself: the
    // prompts it makes are checked instead, each named when there are several.
    const prompts = plan?.prompts.length ? plan.prompts.map((p) => p.prompt) : [this.prompt];
    for (const [i, prompt] of prompts.entries()) {
      const problems = validatePrompt(prompt);
      if (!problems.length) continue;
      const which = prompts.length > 1 ? ` of prompt ${i + 1} (“${prompt}”)` : '';
      return `Fix the parameters${which} first: ${problems[0].message}`;
    }
    return validateHttpUrl(this.referenceUrl);
  }

  async submit(): Promise<void> {
    if (this.submitting) return;
    if (hasBraces(this.prompt)) {
      // A fresh plan first: a quick Ctrl+Enter never goes by the plan of an earlier text.
      this.submitting = true;
      try {
        await this.refreshPlan();
      } catch (error) {
        this.composerError = `The prompt could not be checked: ${errorMessage(error)}`;
        return;
      } finally {
        this.submitting = false;
      }
    }
    const problem = this.composerProblem();
    this.composerError = problem;
    if (problem) return;
    const prompt = this.prompt.trim();
    const fallbackRatio = this.appState?.settings.defaultAspectRatio ?? '';
    // The prompt carries --ar when the person set one; otherwise the default from Settings.
    const aspectRatio =
      getParam(prompt, 'ar') === undefined && this.aspectRatios.includes(fallbackRatio)
        ? fallbackRatio
        : null;
    this.submitting = true;
    const mark = this.#queueEvents;
    try {
      const answer = await ipc.submitImagine({
        provider: this.provider,
        prompt,
        model: this.model || null,
        aspectRatio,
        referenceImage: this.referenceUrl.trim() || null,
      });
      // Sent, queued or a whole group queued, the composer is left as it is after a send.
      this.accept(answer, mark);
    } catch (error) {
      this.composerError = errorMessage(error);
    } finally {
      this.submitting = false;
    }
  }

  /** Presses a button of `parent`, with what it sends besides its id (null: nothing). */
  async runAction(
    parent: TaskView,
    action: Action,
    input: ActionInput | null = null,
  ): Promise<void> {
    const id = parent.task.id;
    if (this.busy[id]) return;
    this.#setCardError(id, null);
    this.#setBusy(id, action.id);
    const mark = this.#queueEvents;
    try {
      this.accept(await ipc.runAction(id, action.id, input ?? NO_INPUT), mark);
    } catch (error) {
      this.#setCardError(id, errorMessage(error));
    } finally {
      this.#setBusy(id, null);
    }
  }

  /** The core decides whether a failed task can be sent again (it knows what was sent). */
  canRetry(view: TaskView): boolean {
    return view.canRetry;
  }

  async retry(view: TaskView): Promise<void> {
    const id = view.task.id;
    if (!view.canRetry || this.busy[id]) return;
    this.#setCardError(id, null);
    this.#setBusy(id, 'retry');
    const mark = this.#queueEvents;
    try {
      this.accept(await ipc.retryTask(id), mark);
    } catch (error) {
      this.#setCardError(id, errorMessage(error));
    } finally {
      this.#setBusy(id, null);
    }
  }

  /**
   * "Check again" on a task Atelier stopped waiting for: one fetch now (free, never a new job).
   * A late result replaces the card; otherwise the card says the job is still running.
   */
  async checkAgain(view: TaskView): Promise<void> {
    const id = view.task.id;
    if (this.busy[id]) return;
    this.#setCardError(id, null);
    this.#setCardNote(id, null);
    this.#setBusy(id, 'check');
    try {
      const now = await ipc.checkAgain(id);
      this.upsert(now);
      if (now.task.status === 'timed_out') {
        const p = now.task.progress;
        const where = this.providerName(now.task.provider);
        this.#setCardNote(
          id,
          `Still not finished at ${where}${p !== null ? ` (${p}%)` : ''}. Atelier keeps checking quietly.`,
        );
      }
    } catch (error) {
      this.#setCardError(id, errorMessage(error));
    } finally {
      this.#setBusy(id, null);
    }
  }

  #setCardNote(taskId: string, message: string | null): void {
    this.cardNotes = withEntry(this.cardNotes, taskId, message);
  }

  async cancel(view: TaskView): Promise<void> {
    const id = view.task.id;
    if (this.busy[id]) return;
    this.#setBusy(id, 'cancel');
    try {
      this.upsert(await ipc.cancelTask(id));
    } catch (error) {
      this.#setCardError(id, errorMessage(error));
    } finally {
      this.#setBusy(id, null);
    }
  }

  /** Puts a task's prompt into the composer and focuses it. */
  editPrompt(view: TaskView): void {
    this.reusePrompt(view.task);
  }

  /**
   * Puts a prompt (with the provider and model it was made with, when they are offered)
   * into the composer, goes to Create and focuses it. Used by "Edit prompt", the gallery's
   * "Reuse prompt" and the lineage's "Branch from here", which also sets the reference image
   * (`referenceImage`; left as it is when the source does not say).
   */
  reusePrompt(source: {
    prompt: string | null;
    provider: ProviderKind;
    model: string | null;
    referenceImage?: string | null;
  }): void {
    this.prompt = source.prompt ?? '';
    if (source.referenceImage !== undefined) this.referenceUrl = source.referenceImage ?? '';
    if (this.providers.some((p) => p.provider === source.provider)) {
      this.setProvider(source.provider);
    }
    if (source.model && this.models.includes(source.model)) this.chooseListedModel(source.model);
    else if (source.model && this.acceptsOtherModels) {
      this.chooseOtherModel();
      this.setModel(source.model);
    }
    this.composerError = null;
    this.view = 'create';
    this.focusPromptRequest++;
  }

  /**
   * Goes to Create and scrolls to (and focuses) a task's card: the feed first renders down
   * to it, then the card, once mounted with `flash`, scrolls itself into view (TaskCard).
   */
  showTask(id: string): void {
    this.view = 'create';
    const at = this.tasks.findIndex((v) => v.task.id === id);
    if (at >= 0) this.showFeedUpTo(at);
    this.flashTaskId = null;
    queueMicrotask(() => (this.flashTaskId = id));
  }

  /** Opens the contact sheet of a permutation group (over Create or the Gallery). */
  openContactSheet(groupId: string): void {
    this.sheetGroupId = groupId;
  }

  closeContactSheet(): void {
    this.sheetGroupId = null;
  }

  /**
   * A contact sheet cell was opened: the sheet closes; in the Gallery its image opens in the
   * lightbox, elsewhere (or without an image yet) its task's card is shown in Create.
   */
  openSheetCell(cell: SheetCell): void {
    this.closeContactSheet();
    if (this.view === 'gallery' && cell.image) this.imageRequest = cell.image;
    else if (cell.taskId) this.showTask(cell.taskId);
  }

  // Settings. Each returns the new state; callers show their own messages.
  async saveSettings(patch: Partial<Settings>): Promise<void> {
    if (!this.appState) return;
    this.applyAppState(await ipc.saveSettings({ ...this.appState.settings, ...patch }));
  }

  async setKey(provider: ProviderKind, key: string): Promise<void> {
    this.applyAppState(await ipc.setKey(provider, key));
  }

  async deleteKey(provider: ProviderKind): Promise<void> {
    this.applyAppState(await ipc.deleteKey(provider));
  }

  testKey(provider: ProviderKind): Promise<KeyCheck> {
    return ipc.testKey(provider);
  }
}

export const app = new AppStore();
