import type { PropsWithChildren } from 'react';
import { ElderProvider } from './lib/elder';
import { SessionProvider } from './lib/session';
import './app.scss';

// Providers here wrap every page: the session and elder mode are app-wide.
function App({ children }: PropsWithChildren) {
  return (
    <SessionProvider>
      <ElderProvider>{children}</ElderProvider>
    </SessionProvider>
  );
}

export default App;
