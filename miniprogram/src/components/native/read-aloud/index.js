/**
 * 朗读 — the read-aloud button, a native component (WeChat's plugin and audio APIs are reached
 * directly, not through Taro's React runtime). Used from Taro pages through
 * components/read-aloud.tsx, which cuts the text into chunks with shared/speech (≤ 100 characters,
 * at sentence ends) and passes them in.
 *
 * One big button: 朗读 → (准备中) → 暂停 ⇄ 继续 → 再听一遍; 停止 beside it. The chunk being read
 * is highlighted. Each chunk is spoken by the 同声传译 (WechatSI) plugin's textToSpeech and played
 * with one InnerAudioContext, in order, the next one fetched while the current one plays. The
 * plugin is no longer maintained: the first time it fails (error, retcode ≠ 0, no answer within
 * PLUGIN_TIMEOUT_MS, or its audio does not play) the component switches to the server's speech
 * (POST {apiBase}/speech → a signed audio URL) for that chunk and the rest.
 *
 * Events: statechange { state, current }, chunk { index, shown, via: 'plugin' | 'server' },
 * fallback { index, reason }, end {}, error { message }.
 */
var PLUGIN_TIMEOUT_MS = 8000;

var LABELS = {
  idle: { icon: '▶', label: '朗读' },
  loading: { icon: '…', label: '准备中' },
  playing: { icon: '‖', label: '暂停' },
  paused: { icon: '▶', label: '继续' },
  done: { icon: '▶', label: '再听一遍' },
  error: { icon: '▶', label: '重新朗读' },
};

function speakable(s) {
  return /[0-9A-Za-z\u3400-\u9fff]/.test(s);
}

function originOf(base) {
  var m = /^(https?:\/\/[^/]+)/.exec(base || '');
  return m ? m[1] : '';
}

function loadPlugin() {
  try {
    // biome-ignore lint: requirePlugin is a mini-program global
    return typeof requirePlugin === 'function' ? requirePlugin('WechatSI') : null;
  } catch (e) {
    return null;
  }
}

Component({
  properties: {
    /** The text as chunks (components/read-aloud.tsx cuts it); shown, and spoken in order. */
    chunks: { type: Array, value: [] },
    /** Chunks spoken first but not shown (e.g. the page's title). */
    lead: { type: Array, value: [] },
    /** API base, e.g. https://example.cn/api — for the server fallback. */
    apiBase: { type: String, value: '' },
    /** Session token for POST /speech (the audio URL itself needs none). */
    token: { type: String, value: '' },
    elder: { type: Boolean, value: false },
    showText: { type: Boolean, value: true },
  },

  data: { state: 'idle', current: -1, icon: '▶', label: '朗读', status: '' },

  observers: {
    'chunks, lead': function () {
      if (this._queue) this._stop('idle');
    },
  },

  lifetimes: {
    attached: function () {
      this._run = 0;
      this._serverOnly = false;
    },
    detached: function () {
      this._stop('idle');
      if (this._audio) {
        this._audio.destroy();
        this._audio = null;
      }
    },
  },

  methods: {
    onTap: function () {
      var s = this.data.state;
      if (s === 'playing') return this._pause();
      if (s === 'paused') return this._resume();
      if (s === 'loading') return;
      this._start();
    },

    onStop: function () {
      this._stop('idle');
    },

    _set: function (state, extra) {
      var l = LABELS[state];
      var data = Object.assign({ state: state, icon: l.icon, label: l.label }, extra || {});
      this.setData(data);
      this.triggerEvent('statechange', { state: state, current: this.data.current });
    },

    _audioCtx: function () {
      if (this._audio) return this._audio;
      var audio = wx.createInnerAudioContext();
      // Play even with the phone's silent switch on: the villager asked to hear it.
      audio.obeyMuteSwitch = false;
      audio.onEnded(() => {
        // A stopped run may still report its end: _playing is null then, or of an older run.
        var p = this._playing;
        if (p) this._next(p.run, p.i + 1);
      });
      audio.onError((err) => {
        this._audioFailed(err);
      });
      this._audio = audio;
      return audio;
    },

    _start: function () {
      var lead = this.data.lead || [];
      var chunks = this.data.chunks || [];
      var queue = [];
      lead.forEach((t) => {
        if (speakable(t)) queue.push({ text: t, shown: -1 });
      });
      chunks.forEach((t, i) => {
        if (speakable(t)) queue.push({ text: t, shown: i });
      });
      this._stop(null);
      if (!queue.length) return;
      this._queue = queue;
      this._srcs = [];
      this._run += 1;
      this._next(this._run, 0);
    },

    _stop: function (state) {
      this._run = (this._run || 0) + 1;
      this._queue = null;
      this._srcs = [];
      this._playing = null;
      if (this._audio) this._audio.stop();
      if (state) this._set(state, { current: -1, status: '' });
    },

    _pause: function () {
      if (this._audio) this._audio.pause();
      this._set('paused', { status: '已暂停，点“继续”接着听' });
    },

    _resume: function () {
      if (this._audio) this._audio.play();
      this._set('playing', { status: this._progress() });
    },

    _progress: function () {
      var p = this._playing;
      if (!p || !this._queue) return '';
      return '正在朗读 第' + (p.i + 1) + '段，共' + this._queue.length + '段';
    },

    /** The audio of queue item i, fetched once (the next one is fetched while this one plays). */
    _source: function (i) {
      if (!this._srcs[i]) {
        var run = this._run;
        var item = this._queue[i];
        var viaServer = () => this._serverSpeech(item.text).then((src) => ({ src: src, via: 'server' }));
        var p = this._serverOnly
          ? viaServer()
          : this._pluginSpeech(item.text).then(
              (src) => ({ src: src, via: 'plugin' }),
              (reason) => {
                if (run === this._run) this._fallback(i, reason);
                return viaServer();
              },
            );
        // Keep a rejected fetch from being reported as unhandled; _next handles it.
        p.catch(() => {});
        this._srcs[i] = p;
      }
      return this._srcs[i];
    },

    _fallback: function (index, reason) {
      if (this._serverOnly) return;
      this._serverOnly = true;
      this.triggerEvent('fallback', {
        index: index,
        reason: String((reason && reason.message) || reason || ''),
      });
    },

    _pluginSpeech: (text) => {
      var plugin = loadPlugin();
      if (!plugin || typeof plugin.textToSpeech !== 'function') return Promise.reject(new Error('no plugin'));
      return new Promise((resolve, reject) => {
        var timer = setTimeout(() => {
          reject(new Error('plugin timeout'));
        }, PLUGIN_TIMEOUT_MS);
        plugin.textToSpeech({
          lang: 'zh_CN',
          tts: true,
          content: text,
          success: (res) => {
            clearTimeout(timer);
            if (res && res.retcode === 0 && res.filename) resolve(res.filename);
            else reject(new Error('plugin retcode ' + (res && res.retcode)));
          },
          fail: (res) => {
            clearTimeout(timer);
            reject(new Error('plugin fail ' + ((res && (res.msg || res.errMsg || res.retcode)) || '')));
          },
        });
      });
    },

    _serverSpeech: function (text) {
      var base = this.data.apiBase;
      var token = this.data.token;
      return new Promise((resolve, reject) => {
        wx.request({
          url: base + '/speech',
          method: 'POST',
          header: { 'content-type': 'application/json', Authorization: 'Bearer ' + token },
          data: { text: text },
          success: (res) => {
            if (res.statusCode === 200 && res.data && res.data.url) resolve(originOf(base) + res.data.url);
            else
              reject(new Error((res.data && res.data.error && res.data.error.message) || '朗读暂时不能用'));
          },
          fail: () => {
            reject(new Error('网络不好，请检查网络后再试'));
          },
        });
      });
    },

    _next: function (run, i) {
      if (run !== this._run || !this._queue) return;
      if (i >= this._queue.length) {
        this._playing = null;
        this._set('done', { current: -1, status: '读完了' });
        this.triggerEvent('end', {});
        return;
      }
      var item = this._queue[i];
      this._playing = { run: run, i: i, via: null };
      if (this.data.state !== 'playing') this._set('loading', { current: item.shown, status: '' });
      else this.setData({ current: item.shown });
      this._source(i).then(
        (s) => {
          if (run !== this._run) return;
          this._playing.via = s.via;
          var audio = this._audioCtx();
          audio.src = s.src;
          audio.play();
          this.triggerEvent('chunk', { index: i, shown: item.shown, via: s.via });
          if (this.data.state !== 'paused')
            this._set('playing', { current: item.shown, status: this._progress() });
          if (i + 1 < this._queue.length) this._source(i + 1);
        },
        (err) => {
          if (run !== this._run) return;
          this._stop(null);
          var message = (err && err.message) || '朗读暂时不能用';
          this._set('error', { current: -1, status: message + '，请稍后再试' });
          this.triggerEvent('error', { message: message });
        },
      );
    },

    /** The plugin's audio would not play: fetch this chunk from the server and go on from there. */
    _audioFailed: function (err) {
      var p = this._playing;
      if (!p || p.run !== this._run) return;
      if (p.via === 'plugin') {
        this._fallback(p.i, 'audio: ' + ((err && err.errMsg) || 'play failed'));
        for (var j = p.i; j < this._srcs.length; j++) this._srcs[j] = undefined;
        this._next(p.run, p.i);
        return;
      }
      this._stop(null);
      this._set('error', { current: -1, status: '播放不了，请稍后再试' });
      this.triggerEvent('error', { message: 'audio: ' + ((err && err.errMsg) || '') });
    },
  },
});
